import { Alert, Empty, Spin, Timeline, Typography } from 'antd';
import type { AuditEntry, FieldValue, ObjectMeta } from '../api/types';
import { useAudit } from '../api/queries';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n-context';
import { formatDateTime } from '../format/date';
import { valueText, type RenderContext } from './value-render';
import type { MessageKey } from '../i18n/zh-CN';

const ACTION_KEY: Record<string, MessageKey> = {
  create: 'record.historyCreate',
  delete: 'record.historyDelete',
  restore: 'record.historyRestore',
};

export function RecordHistory({ meta, id, ctx }: { meta: ObjectMeta; id: string; ctx: RenderContext }) {
  const { t, pick, locale } = useI18n();
  const audit = useAudit(meta.api_name, id);
  if (audit.isLoading) return <Spin />;
  if (audit.error) return <Alert type="error" showIcon title={errorText(audit.error, t)} />;
  // Changes of fields hidden from this role come back redacted: leave them out entirely (not
  // even the field's name shows), and updates that touched only such fields.
  const visibleChanges = (e: AuditEntry) => Object.entries(e.changes ?? {}).filter(([, c]) => !c.redacted);
  const entries = (audit.data ?? []).filter((e) => e.action !== 'update' || visibleChanges(e).length > 0);
  if (entries.length === 0) return <Empty description={t('record.noHistory')} />;
  const show = (name: string, v: FieldValue) => {
    const field = meta.fields.find((f) => f.api_name === name);
    const text = field ? valueText(field, v, ctx) : v === null ? '' : JSON.stringify(v);
    return text || t('common.empty');
  };
  return (
    <Timeline
      data-testid="history"
      items={entries.map((e) => ({
        key: e.id,
        content: (
          <div>
            <Typography.Text strong>
              {t(ACTION_KEY[e.action] ?? 'record.historyUpdate', { actor: e.actor_name ?? '—' })}
            </Typography.Text>{' '}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatDateTime(e.at, ctx.timeZone, locale)}
            </Typography.Text>
            {e.action === 'update' &&
              visibleChanges(e).map(([name, c]) => (
                <div key={name} data-testid="history-change">
                  {pick(meta.fields.find((f) => f.api_name === name)?.label) || name}：
                  <Typography.Text delete type="secondary">
                    {show(name, c.old)}
                  </Typography.Text>
                  {' → '}
                  <Typography.Text>{show(name, c.new)}</Typography.Text>
                </div>
              ))}
          </div>
        ),
      }))}
    />
  );
}
