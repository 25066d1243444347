import { Alert, Empty, Skeleton, Space, Tag, Timeline, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { FieldMeta } from '../api/types';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n-context';
import { formatDateTime } from '../format/date';
import { useMe } from '../api/queries';
import type { MessageKey } from '../i18n/zh-CN';
import {
  fetchScore,
  fetchTimeline,
  leadKeys,
  useLeadSettings,
  usePools,
  useUsers,
  type LeadEvent,
  type Touch,
} from './leads-api';
import { parseReasonJson, ruleOfReason, timelineEntries } from './lead-logic';

const EVENT_COLORS: Record<string, string> = {
  assigned: 'blue',
  claimed: 'blue',
  returned: 'gray',
  transferred: 'gray',
  recycled: 'red',
  invalidated: 'red',
  converted: 'green',
  merged: 'gray',
  qualified: 'purple',
};

const EVENT_KEYS: Record<string, MessageKey> = {
  assigned: 'leads.event.assigned',
  claimed: 'leads.event.claimed',
  returned: 'leads.event.returned',
  transferred: 'leads.event.transferred',
  invalidated: 'leads.event.invalidated',
  recycled: 'leads.event.recycled',
  converted: 'leads.event.converted',
  merged: 'leads.event.merged',
  reassigned: 'leads.event.reassigned',
  voided: 'leads.event.voided',
  revived: 'leads.event.revived',
  followed_up: 'leads.event.followedUp',
  qualified: 'leads.event.qualified',
};

/** Which rules gave the lead its points. */
export function ScoreExplanation({ leadId }: { leadId: string }) {
  const { t, pick } = useI18n();
  const q = useQuery({ queryKey: leadKeys.score(leadId), queryFn: () => fetchScore(leadId) });
  if (q.isLoading) return <Skeleton active paragraph={{ rows: 2 }} />;
  if (q.error) return <Alert type="error" showIcon title={errorText(q.error, t)} />;
  const rules = q.data?.explanation ?? [];
  return (
    <div data-testid="score-explanation">
      {rules.length === 0 ? (
        <Typography.Text type="secondary">{t('leads.score.none')}</Typography.Text>
      ) : (
        <table style={{ width: '100%', borderCollapse: 'collapse' }}>
          <tbody>
            {rules.map((r) => (
              <tr key={r.rule}>
                <td style={{ padding: '2px 0' }}>{pick(r.label)}</td>
                <td style={{ textAlign: 'right', whiteSpace: 'nowrap' }} className="fw-num">
                  <Typography.Text type={r.points < 0 ? 'danger' : 'success'}>
                    {r.points > 0 ? `+${r.points}` : r.points}
                  </Typography.Text>
                </td>
              </tr>
            ))}
            <tr style={{ borderTop: '1px solid #f0f0f0' }}>
              <td style={{ paddingTop: 4 }}>
                <Typography.Text strong>{t('leads.score.total')}</Typography.Text>
              </td>
              <td style={{ textAlign: 'right', paddingTop: 4 }} className="fw-num">
                <Typography.Text strong>{q.data?.score ?? 0}</Typography.Text>
              </td>
            </tr>
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Touches and moves of a lead, newest first. */
export function LeadTimeline({ leadId, sourceField }: { leadId: string; sourceField?: FieldMeta }) {
  const { t, pick, locale } = useI18n();
  const timeZone = useMe().data?.tenant.time_zone ?? 'Asia/Shanghai';
  const q = useQuery({ queryKey: leadKeys.timeline(leadId), queryFn: () => fetchTimeline(leadId) });
  const users = useUsers();
  const pools = usePools();
  const settings = useLeadSettings();
  const userName = (id: string | null) =>
    id ? (users.data?.find((u) => u.id === id)?.name ?? t('leads.unknownUser')) : null;
  const poolName = (id: string | null) =>
    id ? (pools.data?.find((p) => p.id === id)?.name?.toString() ?? t('leads.unknownPool')) : null;
  const channelLabel = (c: string) => {
    const opt = sourceField?.options?.find((o) => o.value === c);
    return opt ? pick(opt.label) : c;
  };

  if (q.isLoading) return <Skeleton active paragraph={{ rows: 4 }} />;
  if (q.error) return <Alert type="error" showIcon title={errorText(q.error, t)} />;
  const entries = q.data ? timelineEntries(q.data) : [];
  if (entries.length === 0) return <Empty description={t('leads.timeline.empty')} />;

  const reasonText = (e: LeadEvent): string | null => {
    const rule = ruleOfReason(e.reason);
    if (rule === 'pool_default') return t('leads.reason.poolDefault');
    if (rule) {
      const name = settings.data?.assignmentRules.find((r) => r.id === rule)?.name ?? rule;
      return t('leads.reason.rule', { name });
    }
    if (e.reason === 'created') return t('leads.reason.created');
    // qualified: the level (mql / sql)
    if (e.kind === 'qualified') return e.reason ? e.reason.toUpperCase() : null;
    // followed_up: the activity itself is in the follow-up timeline below
    if (e.kind === 'converted' || e.kind === 'merged' || e.kind === 'followed_up') return null;
    return e.reason;
  };

  const touchContent = (touch: Touch) => (
    <Space orientation="vertical" size={2}>
      <span>
        <Typography.Text strong>{t('leads.touch')}</Typography.Text> · {channelLabel(touch.channel)}
        {touch.campaign_id && (
          <>
            {' · '}
            <Link to={`/o/campaign/${touch.campaign_id}`}>{t('leads.campaign')}</Link>
          </>
        )}
      </span>
      {touch.attribution && Object.keys(touch.attribution).length > 0 && (
        <Space size={[4, 4]} wrap>
          {Object.entries(touch.attribution).map(([k, v]) => (
            <Tag key={k} style={{ marginInlineEnd: 0 }}>
              {k}: {v}
            </Tag>
          ))}
        </Space>
      )}
    </Space>
  );

  const eventContent = (e: LeadEvent) => {
    const from = userName(e.from_owner);
    const to = userName(e.to_owner);
    const fromPool = poolName(e.from_pool);
    const toPool = poolName(e.to_pool);
    const reason = reasonText(e);
    const json = parseReasonJson(e.reason);
    const key = EVENT_KEYS[e.kind];
    return (
      <Space orientation="vertical" size={2}>
        <span>
          <Typography.Text strong>{key ? t(key) : e.kind}</Typography.Text>
          {' · '}
          <Typography.Text type="secondary">{e.actor_name ?? t('leads.system')}</Typography.Text>
        </span>
        {(from || to) && e.from_owner !== e.to_owner && (
          <span>
            {t('leads.timeline.owner')}: {from ?? t('leads.nobody')} → {to ?? t('leads.nobody')}
          </span>
        )}
        {e.from_pool !== e.to_pool && (fromPool || toPool) && (
          <span>
            {t('leads.timeline.pool')}: {fromPool ?? '—'} → {toPool ?? '—'}
          </span>
        )}
        {reason && (
          <span>
            {t('leads.timeline.reason')}: {reason}
          </span>
        )}
        {e.kind === 'converted' && json && (
          <Space size={12}>
            {typeof json.account_id === 'string' && (
              <Link to={`/o/account/${json.account_id}`}>{t('leads.convert.openAccount')}</Link>
            )}
            {typeof json.contact_id === 'string' && (
              <Link to={`/o/contact/${json.contact_id}`}>{t('leads.convert.openContact')}</Link>
            )}
          </Space>
        )}
        {e.kind === 'merged' && json && (
          <span>
            {t('leads.timeline.mergedMoved', {
              touches: Number(json.touches ?? 0),
              events: Number(json.events ?? 0),
            })}
          </span>
        )}
      </Space>
    );
  };

  return (
    <Timeline
      data-testid="lead-timeline"
      items={entries.map((entry) => ({
        key: entry.kind === 'touch' ? `t-${entry.touch.id}` : `e-${entry.event.id}`,
        color: entry.kind === 'touch' ? 'green' : (EVENT_COLORS[entry.event.kind] ?? 'blue'),
        content: (
          <div data-testid={entry.kind === 'touch' ? 'timeline-touch' : `timeline-event-${entry.event.kind}`}>
            <Typography.Text type="secondary" className="fw-num" style={{ fontSize: 12, display: 'block' }}>
              {formatDateTime(entry.at, timeZone, locale)}
            </Typography.Text>
            {entry.kind === 'touch' ? touchContent(entry.touch) : eventContent(entry.event)}
          </div>
        ),
      }))}
    />
  );
}
