import { useState } from 'react';
import { Alert, App, Button, Card, Col, Row, Segmented, Space, Typography } from 'antd';
import { Link, useNavigate } from 'react-router';
import type { RecordPanelProps } from '../objects/record-panels';
import { useMe } from '../api/queries';
import { updateRecord } from '../api/endpoints';
import { errorText } from '../api/error-text';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import { FieldValueView } from '../objects/value-render';
import { useRenderContext } from '../objects/use-render-context';
import { fieldValue } from '../objects/field-values';
import {
  assignLead,
  claimLead,
  invalidateLead,
  returnLead,
  reviveLead,
  voidLead,
  transferLead,
  usePoolMembers,
  usePools,
} from './leads-api';
import { canQualify, leadActions, qualificationOf, type Qualification } from './lead-logic';
import { MoveModal, type MoveKind, type MoveValues } from './move-modal';
import { ConvertDialog } from './convert-dialog';
import { LeadTimeline, ScoreExplanation } from './lead-timeline';
import { ActivitySection } from '../activities/activity-section';

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** Status, pool, score, the pool moves that make sense now, score explanation and timeline. */
export default function LeadPanel({ meta, record, refresh }: RecordPanelProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const ctx = useRenderContext();
  const me = useMe().data;
  const navigate = useNavigate();
  const [move, setMove] = useState<MoveKind | null>(null);
  const [converting, setConverting] = useState(false);
  const [claiming, setClaiming] = useState(false);
  const [qualifying, setQualifying] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);

  const status = str(record.status) ?? 'unassigned';
  const poolId = str(record.pool_id);
  const ownerId = str(record.owner_id);
  const pools = usePools();
  const pool = pools.data?.find((p) => p.id === poolId);
  const members = usePoolMembers(poolId ?? undefined);
  // the server knows department memberships too
  const myRole = members.data?.my_role ?? null;
  const actions = leadActions({
    status,
    ownerId,
    poolId,
    poolVisibility: str(pool?.visibility),
    meId: me?.user.id ?? '',
    isAdmin: me?.role.is_admin === true,
    poolRole: myRole,
    canConvert: canDo(me, 'account', 'create') && canDo(me, 'contact', 'create'),
  });
  const field = (name: string) => meta.fields.find((f) => f.api_name === name);
  const statusField = field('status');
  const scoreValue = fieldValue(record, 'score');
  const poolName = record._expand?.pool_id?.name ?? (pool ? String(pool.name ?? '') : null);

  const seesAll = me?.role.is_admin === true || me?.role.permissions.objects.lead?.scope === 'all';
  const done = async (text: string, leavesMe = false) => {
    setActionError(null);
    // a lead that left an own-scope user is no longer readable: go back to their list instead of a 404
    if (leavesMe && !seesAll) navigate('/leads/mine');
    await refresh();
    void message.success(text);
  };

  const claim = async () => {
    setClaiming(true);
    setActionError(null);
    try {
      await claimLead(record.id);
      await done(t('leads.done.claimed'));
    } catch (err) {
      setActionError(errorText(err, t));
    } finally {
      setClaiming(false);
    }
  };

  const submitMove = async (v: MoveValues) => {
    if (move === 'assign' && v.owner_id) {
      await assignLead(record.id, v.owner_id, v.reason);
      await done(t('leads.done.assigned'), v.owner_id !== me?.user.id);
    } else if (move === 'return' && v.reason) {
      await returnLead(record.id, v.reason);
      await done(t('leads.done.returned'), true);
    } else if (move === 'transfer' && v.pool_id) {
      await transferLead(record.id, v.pool_id, v.reason);
      await done(t('leads.done.transferred'), true);
    } else if (move === 'invalidate' && v.reason) {
      await invalidateLead(record.id, v.reason);
      await done(t('leads.done.invalidated'));
    } else if (move === 'void') {
      await voidLead(record.id, v.reason);
      await done(t('leads.done.voided'), true);
    } else if (move === 'revive') {
      await reviveLead(record.id, v.reason);
      await done(t('leads.done.revived'));
    }
    setMove(null);
  };

  const qualification = qualificationOf(record.qualification);
  const qualifiedAt = field('qualified_at');
  const mayQualify = canQualify(status, canDo(me, 'lead', 'update'), me?.role.is_admin === true);
  const qualify = async (next: Qualification | 'none') => {
    setQualifying(true);
    setActionError(null);
    try {
      await updateRecord('lead', record.id, { qualification: next === 'none' ? null : next });
      await done(next === 'none' ? t('leads.done.unqualified') : t('leads.done.qualified'));
    } catch (err) {
      setActionError(errorText(err, t));
    } finally {
      setQualifying(false);
    }
  };

  const anyAction = Object.values(actions).some(Boolean);

  return (
    <Card style={{ marginBottom: 12 }} data-testid="lead-panel">
      <div className="fw-page-header">
        <Space size={[24, 8]} wrap>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
              {t('leads.col.status')}
            </Typography.Text>
            <span data-testid="lead-status">
              {statusField ? <FieldValueView field={statusField} record={record} ctx={ctx} /> : status}
              {status === 'invalid' && str(record.invalid_reason) && (
                <Typography.Text type="secondary">{str(record.invalid_reason)}</Typography.Text>
              )}
            </span>
          </div>
          <div data-testid="lead-qualification">
            <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
              {t('leads.qualification')}
            </Typography.Text>
            {mayQualify ? (
              <Segmented<Qualification | 'none'>
                size="small"
                value={qualification ?? 'none'}
                disabled={qualifying}
                aria-label={t('leads.qualification')}
                onChange={(v) => void qualify(v)}
                options={[
                  { value: 'none', label: t('leads.qualification.none') },
                  { value: 'mql', label: 'MQL' },
                  { value: 'sql', label: 'SQL' },
                ]}
              />
            ) : (
              <span>{qualification ? qualification.toUpperCase() : '—'}</span>
            )}
            {qualification && qualifiedAt && (
              <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
                {t('leads.qualifiedAt')} <FieldValueView field={qualifiedAt} record={record} ctx={ctx} />
              </Typography.Text>
            )}
          </div>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
              {t('leads.col.pool')}
            </Typography.Text>
            <span data-testid="lead-pool">
              {!poolId ? (
                '—'
              ) : poolName ? (
                <Link to={`/leads/pools/${poolId}`}>{poolName}</Link>
              ) : (
                <Typography.Text type="secondary">{t('leads.unknownPool')}</Typography.Text>
              )}
            </span>
          </div>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
              {t('leads.col.score')}
            </Typography.Text>
            <Typography.Text strong className="fw-num" data-testid="lead-score">
              {typeof scoreValue === 'number' ? scoreValue : '—'}
            </Typography.Text>
          </div>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
              {t('leads.col.touches')}
            </Typography.Text>
            <span className="fw-num" data-testid="lead-touch-count">
              {typeof record.touch_count === 'number' ? record.touch_count : 0}
            </span>
          </div>
        </Space>
        {anyAction && (
          <Space wrap data-testid="lead-actions">
            {actions.claim && (
              <Button type="primary" loading={claiming} onClick={() => void claim()}>
                {t('leads.action.claim')}
              </Button>
            )}
            {actions.convert && (
              <Button type="primary" onClick={() => setConverting(true)}>
                {t('leads.action.convert')}
              </Button>
            )}
            {actions.assign && <Button onClick={() => setMove('assign')}>{t('leads.action.assign')}</Button>}
            {actions.transfer && (
              <Button onClick={() => setMove('transfer')}>{t('leads.action.transfer')}</Button>
            )}
            {actions.giveBack && (
              <Button onClick={() => setMove('return')}>{t('leads.action.return')}</Button>
            )}
            {actions.invalidate && (
              <Button danger onClick={() => setMove('invalidate')}>
                {t('leads.action.invalidate')}
              </Button>
            )}
            {actions.revive && <Button onClick={() => setMove('revive')}>{t('leads.action.revive')}</Button>}
            {actions.void && (
              <Button danger onClick={() => setMove('void')}>
                {t('leads.action.void')}
              </Button>
            )}
          </Space>
        )}
      </div>
      {actionError && (
        <Alert
          type="error"
          showIcon
          title={actionError}
          closable={{ onClose: () => setActionError(null) }}
          style={{ marginBottom: 12 }}
          role="alert"
          data-testid="lead-action-error"
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} md={9}>
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t('leads.score.title')}
          </Typography.Title>
          <ScoreExplanation leadId={record.id} />
        </Col>
        <Col xs={24} md={15}>
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {t('leads.timeline.title')}
          </Typography.Title>
          <div style={{ maxHeight: 420, overflowY: 'auto', paddingTop: 8 }}>
            <LeadTimeline leadId={record.id} sourceField={field('source')} />
          </div>
        </Col>
        <Col xs={24}>
          <ActivitySection
            object="lead"
            id={record.id}
            name={str(record.name)}
            onChanged={refresh}
            maxHeight={480}
          />
        </Col>
      </Row>
      <MoveModal
        kind={move}
        excludeOwner={ownerId}
        excludePool={poolId}
        onCancel={() => setMove(null)}
        onSubmit={submitMove}
      />
      {(actions.convert || converting) && (
        <ConvertDialog
          open={converting}
          lead={record}
          onClose={() => setConverting(false)}
          onConverted={async () => {
            await refresh();
            void message.success(t('leads.convert.done'));
          }}
        />
      )}
    </Card>
  );
}
