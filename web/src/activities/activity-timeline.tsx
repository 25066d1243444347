import { useState } from 'react';
import {
  Alert,
  App,
  Button,
  Checkbox,
  Empty,
  Skeleton,
  Space,
  Tag,
  Timeline,
  Tooltip,
  Typography,
} from 'antd';
import { EnvironmentOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import type { RecordData } from '../api/types';
import { canDo } from '../auth/permissions';
import { formatDate, formatDateTime } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { dayLabel, formatRelative, groupByDay, isActivityType, ymdInZone } from './activity-logic';
import {
  completeTask,
  invalidateAfterWrite,
  useActivityTimeline,
  type RelatedObject,
  type TimelineItem,
} from './api';
import { LogActivityButton } from './log-activity-button';
import { TASK_ICON, TYPE_ICON, TYPE_LABEL } from './type-icons';

export interface ActivityTimelineProps {
  object: RelatedObject;
  id: string;
  /** The record's name, for the empty state's "log the first one" button. */
  name?: string | null;
  /** After something was logged or completed from the timeline. */
  onChanged?: () => void | Promise<void>;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

const PRIORITY: Record<string, { key: MessageKey; color: string }> = {
  high: { key: 'activities.priority.high', color: 'red' },
  normal: { key: 'activities.priority.normal', color: 'default' },
  low: { key: 'activities.priority.low', color: 'default' },
};

const DAY_KEY = {
  today: 'activities.day.today',
  yesterday: 'activities.day.yesterday',
  tomorrow: 'activities.day.tomorrow',
} as const;

/**
 * Activities and tasks about a record, newest first, grouped by day (an account's also holds
 * its contacts' and opportunities'); tasks can be ticked done here.
 */
export function ActivityTimeline({ object, id, name, onChanged }: ActivityTimelineProps) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe().data;
  const timeZone = me?.tenant.time_zone ?? 'Asia/Shanghai';
  const q = useActivityTimeline(object, id);
  const [completing, setCompleting] = useState<string | null>(null);

  // "now" is when the answer came: relative times and "planned" match what the server saw
  const now = q.dataUpdatedAt || Date.parse('2000-01-01T00:00:00Z');
  const today = ymdInZone(now, timeZone);

  if (q.isLoading) return <Skeleton active paragraph={{ rows: 3 }} />;
  if (q.error) return <Alert type="error" showIcon title={errorText(q.error, t)} />;
  const items = q.data?.pages.flatMap((p) => p.data) ?? [];
  if (items.length === 0)
    return (
      <Empty description={t('activities.timeline.empty')} data-testid="activity-timeline-empty">
        <LogActivityButton object={object} id={id} name={name} onLogged={onChanged} />
      </Empty>
    );

  const complete = async (task: RecordData) => {
    setCompleting(task.id);
    try {
      await completeTask(task.id);
      await invalidateAfterWrite(qc, [object]);
      void message.success(t('activities.task.doneToast'));
      await onChanged?.();
    } catch (err) {
      void message.error(errorText(err, t));
    } finally {
      setCompleting(null);
    }
  };

  const when = (iso: string) => (
    <Tooltip title={formatDateTime(iso, timeZone, locale)}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {formatRelative(iso, now, locale)}
      </Typography.Text>
    </Tooltip>
  );

  const activityContent = (r: RecordData, at: string) => {
    const type = isActivityType(r.type) ? r.type : null;
    const owner = r._expand?.owner_id?.name;
    // a minute of slack: the dialog's "now" was taken in the browser before the save
    const planned = Date.parse(at) > now + 60_000;
    const duration = typeof r.duration_minutes === 'number' ? r.duration_minutes : null;
    return (
      <div data-testid="timeline-activity" data-type={type ?? ''}>
        <Space size={[8, 0]} wrap>
          <Link to={`/o/activity/${r.id}`}>
            <Typography.Text strong>{str(r.subject) ?? '—'}</Typography.Text>
          </Link>
          {type && <Tag>{t(TYPE_LABEL[type])}</Tag>}
          {planned && <Tag color="blue">{t('activities.timeline.planned')}</Tag>}
        </Space>
        <div>
          <Space size={[8, 0]} wrap>
            {when(at)}
            {owner && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {owner}
              </Typography.Text>
            )}
            {duration !== null && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('activities.timeline.minutes', { n: duration })}
              </Typography.Text>
            )}
            {typeof r.latitude === 'number' && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                <EnvironmentOutlined /> {str(r.address) ?? t('activities.timeline.checkedIn')}
              </Typography.Text>
            )}
          </Space>
        </div>
        {str(r.notes) && (
          <Typography.Paragraph
            ellipsis={{ rows: 3, expandable: true, symbol: '…' }}
            style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap' }}
          >
            {str(r.notes)}
          </Typography.Paragraph>
        )}
        {str(r.outcome) && (
          <div>
            <Typography.Text type="secondary">{t('activities.timeline.outcome')}</Typography.Text>
            {str(r.outcome)}
          </div>
        )}
        {str(r.next_step) && (
          <div>
            <Typography.Text type="secondary">{t('activities.timeline.nextStep')}</Typography.Text>
            {str(r.next_step)}
          </div>
        )}
      </div>
    );
  };

  const taskContent = (r: RecordData) => {
    const status = str(r.status) ?? 'open';
    const subject = str(r.subject) ?? '—';
    const due = str(r.due_at);
    const owner = r._expand?.owner_id?.name;
    const priority = PRIORITY[str(r.priority) ?? ''];
    const mayComplete = status === 'open' && canDo(me, 'task', 'update');
    return (
      <div data-testid="timeline-task" data-status={status}>
        <Space size={[8, 0]} wrap align="start">
          <Checkbox
            checked={status === 'done'}
            disabled={!mayComplete || completing === r.id}
            onChange={() => void complete(r)}
            aria-label={t('activities.task.markDone', { subject })}
            data-testid="timeline-task-complete"
          />
          <Link to={`/o/task/${r.id}`}>
            <Typography.Text strong delete={status !== 'open'}>
              {subject}
            </Typography.Text>
          </Link>
          <Tag>{t('activities.timeline.task')}</Tag>
          {priority && status === 'open' && <Tag color={priority.color}>{t(priority.key)}</Tag>}
          {status === 'cancelled' && <Tag>{t('activities.timeline.cancelled')}</Tag>}
        </Space>
        <div>
          <Space size={[8, 0]} wrap>
            <Typography.Text
              type={status === 'open' && due && Date.parse(due) < now ? 'danger' : 'secondary'}
              style={{ fontSize: 12 }}
            >
              {due
                ? t('activities.timeline.due', { when: formatRelative(due, now, locale) })
                : t('activities.timeline.noDue')}
            </Typography.Text>
            {owner && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {owner}
              </Typography.Text>
            )}
          </Space>
        </div>
        {str(r.notes) && (
          <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: '4px 0 0' }}>
            {str(r.notes)}
          </Typography.Paragraph>
        )}
      </div>
    );
  };

  const entry = (item: TimelineItem) => {
    const type = item.kind === 'activity' && isActivityType(item.record.type) ? item.record.type : null;
    const done = item.kind === 'task' && item.record.status === 'done';
    return {
      key: `${item.kind}-${item.record.id}`,
      color: item.kind === 'task' ? (done ? 'green' : 'blue') : 'gray',
      icon: type ? TYPE_ICON[type] : item.kind === 'task' ? TASK_ICON : undefined,
      content: item.kind === 'activity' ? activityContent(item.record, item.at) : taskContent(item.record),
    };
  };

  return (
    <div data-testid="activity-timeline">
      {groupByDay(items, timeZone).map((g) => {
        const label = dayLabel(g.day, today);
        return (
          <section key={g.day}>
            <Typography.Text
              type="secondary"
              strong
              style={{ display: 'block', marginBottom: 8, fontSize: 12 }}
            >
              {label ? t(DAY_KEY[label]) : formatDate(g.day, locale)}
            </Typography.Text>
            <Timeline items={g.items.map(entry)} />
          </section>
        );
      })}
      {q.hasNextPage && (
        <Button
          block
          loading={q.isFetchingNextPage}
          onClick={() => void q.fetchNextPage()}
          data-testid="activity-timeline-more"
        >
          {t('activities.timeline.loadMore')}
        </Button>
      )}
    </div>
  );
}
