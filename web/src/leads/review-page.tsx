import { useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Row, Space, Spin, Tag, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { ObjectMeta, RecordData } from '../api/types';
import { keys, useMe, useObjectMeta } from '../api/queries';
import { errorText } from '../api/error-text';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import { FieldValueView } from '../objects/value-render';
import { useRenderContext } from '../objects/use-render-context';
import { recordTitle } from '../objects/field-values';
import { fetchReview, leadKeys, notDuplicate, useUsers, type ReviewItem } from './leads-api';
import { MergeModal } from './merge-modal';

const SHOWN = [
  'company',
  'mobile',
  'email',
  'title',
  'province',
  'status',
  'source',
  'owner_id',
  'created_at',
];

/** Leads flagged as possible duplicates, each beside the lead it resembles. */
export default function ReviewPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const me = useMe().data;
  const { meta } = useObjectMeta('lead');
  const q = useQuery({ queryKey: leadKeys.review, queryFn: fetchReview });
  const [merging, setMerging] = useState<ReviewItem | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const canMerge = canDo(me, 'lead', 'update') && canDo(me, 'lead', 'delete');

  const reload = () => queryClient.invalidateQueries({ queryKey: keys.records('lead') });

  const dismiss = async (id: string) => {
    setBusy(id);
    try {
      await notDuplicate(id);
      await reload();
      void message.success(t('leads.review.dismissed'));
    } catch (err) {
      void message.error(errorText(err, t));
    } finally {
      setBusy(null);
    }
  };

  if (q.isLoading || !meta) return <Spin style={{ display: 'block', margin: 48 }} />;
  const items = q.data ?? [];

  return (
    <div>
      <div className="fw-page-header">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('leads.review.title')}
        </Typography.Title>
        {items.length > 0 && (
          <Typography.Text type="secondary">
            {t('leads.review.count', { count: items.length })}
          </Typography.Text>
        )}
      </div>
      {q.error ? (
        <Alert type="error" showIcon title={errorText(q.error, t)} />
      ) : items.length === 0 ? (
        <Card>
          <Empty description={t('leads.review.empty')} data-testid="review-empty" />
        </Card>
      ) : (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          {items.map((item) => (
            <Card
              key={item.lead.id}
              size="small"
              data-testid="review-item"
              title={
                <Space wrap>
                  <Tag color="orange">{t('leads.review.flagged')}</Tag>
                  <Link to={`/o/lead/${item.lead.id}`}>{recordTitle(item.lead, meta.name_field)}</Link>
                </Space>
              }
              extra={
                <Space wrap>
                  <Button
                    size="small"
                    loading={busy === item.lead.id}
                    onClick={() => void dismiss(item.lead.id)}
                    data-testid="not-duplicate"
                  >
                    {t('leads.review.notDuplicate')}
                  </Button>
                  {canMerge && item.candidate && (
                    <Button
                      size="small"
                      type="primary"
                      onClick={() => setMerging(item)}
                      data-testid="merge-open"
                    >
                      {t('leads.review.merge')}
                    </Button>
                  )}
                </Space>
              }
            >
              <Row gutter={[12, 12]}>
                <Col xs={24} md={12}>
                  <LeadSummary meta={meta} record={item.lead} title={t('leads.review.thisLead')} />
                </Col>
                <Col xs={24} md={12}>
                  {item.candidate ? (
                    <LeadSummary meta={meta} record={item.candidate} title={t('leads.review.candidate')} />
                  ) : (
                    <Alert type="info" showIcon title={t('leads.review.candidateHidden')} />
                  )}
                </Col>
              </Row>
            </Card>
          ))}
        </Space>
      )}
      {merging && merging.candidate && (
        <MergeModal
          meta={meta}
          a={merging.lead}
          b={merging.candidate}
          onClose={() => setMerging(null)}
          onMerged={async () => {
            setMerging(null);
            await reload();
            void message.success(t('leads.merge.done'));
          }}
        />
      )}
    </div>
  );
}

function LeadSummary({ meta, record: raw, title }: { meta: ObjectMeta; record: RecordData; title: string }) {
  const ctx = useRenderContext();
  const { pick } = useI18n();
  const users = useUsers();
  // review rows come without _expand: name the owner from the user directory
  const owner = typeof raw.owner_id === 'string' ? users.data?.find((u) => u.id === raw.owner_id) : undefined;
  const record: RecordData = owner
    ? { ...raw, _expand: { ...raw._expand, owner_id: { id: owner.id, name: owner.name } } }
    : raw;
  const fields = SHOWN.flatMap((n) => meta.fields.filter((f) => f.api_name === n));
  return (
    <Descriptions
      size="small"
      bordered
      column={1}
      title={
        <Space>
          <Typography.Text type="secondary">{title}</Typography.Text>
          <Link to={`/o/lead/${record.id}`}>{recordTitle(record, meta.name_field)}</Link>
        </Space>
      }
      items={fields.map((f) => ({
        key: f.api_name,
        label: pick(f.label),
        children: <FieldValueView field={f} record={record} ctx={ctx} />,
      }))}
    />
  );
}
