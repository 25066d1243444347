import { useState, type ReactNode } from 'react';
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Empty,
  Row,
  Skeleton,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { Link, useSearchParams } from 'react-router';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { canDo } from '../auth/permissions';
import { formatDate, formatDateTime } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import { daysBetween, formatRelative, idleTone, isActivityType, isYmd, ymdInZone } from './activity-logic';
import {
  completeTask,
  invalidateAfterWrite,
  useMyDay,
  type IdleRecord,
  type MyDayMeeting,
  type MyDayTask,
  type RelatedObject,
} from './api';
import { useActivityQuickAdd } from './log-activity-button';
import { tierKeys, useMyOverdueTouches, type OverdueTouch } from '../success/tiers-api';
import { OBJECT_LABEL, TYPE_ICON } from './type-icons';
import { liveSearch } from '../objects/live-search';

/** The most specific record a task or meeting is about, for a link. */
function relatedOf(r: MyDayTask | MyDayMeeting): { object: RelatedObject; id: string } | null {
  if (r.opportunity_id) return { object: 'opportunity', id: r.opportunity_id };
  if (r.contact_id) return { object: 'contact', id: r.contact_id };
  if (r.account_id) return { object: 'account', id: r.account_id };
  if (r.lead_id) return { object: 'lead', id: r.lead_id };
  return null;
}

function SectionCard({
  title,
  count,
  testId,
  children,
}: {
  title: string;
  count: number;
  testId: string;
  children: ReactNode;
}) {
  return (
    <Card
      size="small"
      data-testid={testId}
      title={
        <Space>
          <span>{title}</span>
          <Badge
            count={count}
            showZero
            overflowCount={999}
            color={count > 0 ? '#1f5fd6' : '#bfbfbf'}
            data-testid={`${testId}-count`}
          />
        </Space>
      }
      style={{ height: '100%' }}
    >
      {children}
    </Card>
  );
}

const rowStyle = { padding: '8px 0', borderBottom: '1px solid #f0f0f0' };

/**
 * The signed-in user's day: tasks due and overdue (tick them done here), upcoming meetings and
 * visits, and their records overdue for a follow-up (log one from the row). `?date=` picks the day.
 */
export default function MyDayPage({ asHome = false }: { asHome?: boolean }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const raw = params.get('date');
  const date = isYmd(raw) ? raw : null;
  const mayRead = canDo(me, 'activity', 'read') || canDo(me, 'task', 'read');
  const q = useMyDay(date, !!me && mayRead);
  const quick = useActivityQuickAdd();
  // a CSM's calls and visits past their tier's cadence (docs/ENGAGEMENT.md "touch rate")
  const touches = useMyOverdueTouches(q.data?.date, me?.user.id);
  const refreshTouches = () => qc.invalidateQueries({ queryKey: tierKeys.touch });
  const callLog = useActivityQuickAdd({ defaultType: 'call', onLogged: refreshTouches });
  const visitLog = useActivityQuickAdd({ defaultType: 'visit', onLogged: refreshTouches });
  const [completing, setCompleting] = useState<string | null>(null);
  const now = q.dataUpdatedAt;
  const timeZone = q.data?.time_zone ?? me?.tenant.time_zone ?? 'Asia/Shanghai';
  const mayComplete = canDo(me, 'task', 'update');

  const pickDate = (ymd: string | null) => {
    const next = liveSearch();
    if (ymd) next.set('date', ymd);
    else next.delete('date');
    setParams(next);
  };

  const complete = async (task: MyDayTask) => {
    setCompleting(task.id);
    try {
      await completeTask(task.id);
      await invalidateAfterWrite(qc, []);
      void message.success(t('activities.task.doneToast'));
    } catch (err) {
      void message.error(errorText(err, t));
    } finally {
      setCompleting(null);
    }
  };

  const relatedLink = (r: MyDayTask | MyDayMeeting) => {
    const rel = relatedOf(r);
    return rel ? (
      <Link to={`/o/${rel.object}/${rel.id}`} style={{ fontSize: 12 }}>
        {t('myDay.openRelated', { object: t(OBJECT_LABEL[rel.object]) })}
      </Link>
    ) : null;
  };

  const more = (count: number, shown: number) =>
    count > shown ? (
      <Typography.Text type="secondary" style={{ display: 'block', marginTop: 8 }}>
        {t('myDay.more', { n: count - shown })}
      </Typography.Text>
    ) : null;

  const taskRow = (task: MyDayTask, day: string, overdue: boolean) => (
    <div key={task.id} style={rowStyle} data-testid="my-day-task">
      <Space align="start" style={{ width: '100%' }}>
        <Checkbox
          disabled={!mayComplete || completing === task.id}
          onChange={() => void complete(task)}
          aria-label={t('activities.task.markDone', { subject: task.subject })}
          data-testid="my-day-task-complete"
        />
        <div style={{ minWidth: 0 }}>
          <Link to={`/o/task/${task.id}`}>{task.subject}</Link>{' '}
          {task.priority === 'high' && <Tag color="red">{t('activities.priority.high')}</Tag>}
          <div>
            <Space size={[8, 0]} wrap>
              {task.due_at && (
                <Typography.Text type={overdue ? 'danger' : 'secondary'} style={{ fontSize: 12 }}>
                  {overdue
                    ? t('myDay.overdueBy', { n: daysBetween(ymdInZone(task.due_at, timeZone), day) })
                    : formatDateTime(task.due_at, timeZone, locale)}
                </Typography.Text>
              )}
              {relatedLink(task)}
            </Space>
          </div>
        </div>
      </Space>
    </div>
  );

  const meetingRow = (m: MyDayMeeting) => (
    <div key={m.id} style={rowStyle} data-testid="my-day-meeting">
      <Space align="start">
        <span style={{ color: '#1f5fd6' }}>{isActivityType(m.type) ? TYPE_ICON[m.type] : null}</span>
        <div style={{ minWidth: 0 }}>
          <Link to={`/o/activity/${m.id}`}>{m.subject}</Link>
          <div>
            <Space size={[8, 0]} wrap>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatDateTime(m.occurred_at, timeZone, locale)} ·{' '}
                {formatRelative(m.occurred_at, now, locale)}
              </Typography.Text>
              {m.address && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {m.address}
                </Typography.Text>
              )}
              {relatedLink(m)}
            </Space>
          </div>
        </div>
      </Space>
    </div>
  );

  const touchRow = (r: OverdueTouch) => (
    <div
      key={`${r.account_id}:${r.kind}`}
      style={{ ...rowStyle, display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}
      data-testid="my-day-touch"
    >
      <div style={{ flex: '1 1 180px', minWidth: 0 }}>
        <Link to={`/o/account/${r.account_id}`}>{r.account_name}</Link>
        <div>
          <Space size={[8, 0]} wrap>
            <Tag color={r.days_overdue > r.every_days ? 'red' : 'orange'}>
              {t(r.kind === 'call' ? 'myDay.touchCall' : 'myDay.touchVisit', { n: r.days_overdue })}
            </Tag>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.last_touch_on
                ? t('myDay.lastFollowed', { date: formatDate(r.last_touch_on, locale) })
                : t('myDay.neverFollowed')}
              {' · '}
              {r.tier_label}
            </Typography.Text>
          </Space>
        </div>
      </div>
      {callLog.canLog && (
        <Button
          size="small"
          onClick={() =>
            (r.kind === 'call' ? callLog : visitLog).open({
              object: 'account',
              id: r.account_id,
              name: r.account_name,
            })
          }
          data-testid="my-day-touch-log"
        >
          {t('myDay.logFollowUp')}
        </Button>
      )}
    </div>
  );

  const idleRow = (object: RelatedObject, r: IdleRecord) => (
    <div
      key={r.id}
      style={{ ...rowStyle, display: 'flex', gap: 8, alignItems: 'center', flexWrap: 'wrap' }}
      data-testid="my-day-idle"
    >
      <div style={{ flex: '1 1 180px', minWidth: 0 }}>
        <Link to={`/o/${object}/${r.id}`}>{r.name}</Link>
        <div>
          <Space size={[8, 0]} wrap>
            <Tag color={idleTone(r.idle_days, r.limit_days) === 'danger' ? 'red' : 'orange'}>
              {t('myDay.idle', { n: r.idle_days })}
            </Tag>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.last_followed_at
                ? t('myDay.lastFollowed', {
                    date: formatDate(ymdInZone(r.last_followed_at, timeZone), locale),
                  })
                : t('myDay.neverFollowed')}
              {' · '}
              {t('myDay.limit', { n: r.limit_days })}
            </Typography.Text>
          </Space>
        </div>
      </div>
      {quick.canLog && (
        <Button
          size="small"
          onClick={() => quick.open({ object, id: r.id, name: r.name })}
          data-testid="my-day-log"
        >
          {t('myDay.logFollowUp')}
        </Button>
      )}
    </div>
  );

  const header = (
    <div className="fw-page-header">
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {asHome ? t('home.welcome', { name: me?.user.name ?? '' }) : t('myDay.title')}
        </Typography.Title>
        {asHome && <Typography.Text type="secondary">{t('myDay.title')}</Typography.Text>}
      </div>
      <Space wrap>
        <DatePicker
          allowClear={false}
          aria-label={t('myDay.date')}
          value={dayjs(q.data?.date ?? date ?? undefined)}
          onChange={(d) => pickDate(d ? d.format('YYYY-MM-DD') : null)}
          data-testid="my-day-date"
        />
        <Button onClick={() => pickDate(null)} disabled={!date}>
          {t('myDay.today')}
        </Button>
      </Space>
    </div>
  );

  if (!mayRead)
    return (
      <div>
        {header}
        <Alert type="info" showIcon title={t('myDay.noPermission')} />
      </div>
    );

  const d = q.data;
  const followUps = d
    ? ([
        ['account', d.follow_ups_overdue.accounts],
        ['opportunity', d.follow_ups_overdue.opportunities],
        ['lead', d.follow_ups_overdue.leads],
      ] as const)
    : [];
  const followUpCount = followUps.reduce((n, [, s]) => n + s.count, 0);

  return (
    <div data-testid="my-day">
      {header}
      {q.error ? (
        <Alert type="error" showIcon title={errorText(q.error, t)} />
      ) : !d ? (
        <Skeleton active paragraph={{ rows: 8 }} />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={12}>
            <SectionCard title={t('myDay.tasksDue')} count={d.tasks_due.count} testId="my-day-tasks-due">
              {d.tasks_due.items.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('myDay.empty.tasksDue')} />
              ) : (
                d.tasks_due.items.map((task) => taskRow(task, d.date, false))
              )}
              {more(d.tasks_due.count, d.tasks_due.items.length)}
            </SectionCard>
          </Col>
          <Col xs={24} lg={12}>
            <SectionCard
              title={t('myDay.tasksOverdue')}
              count={d.tasks_overdue.count}
              testId="my-day-tasks-overdue"
            >
              {d.tasks_overdue.items.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('myDay.empty.tasksOverdue')} />
              ) : (
                d.tasks_overdue.items.map((task) => taskRow(task, d.date, true))
              )}
              {more(d.tasks_overdue.count, d.tasks_overdue.items.length)}
            </SectionCard>
          </Col>
          <Col xs={24} lg={12}>
            <SectionCard
              title={t('myDay.meetings')}
              count={d.upcoming_meetings.count}
              testId="my-day-meetings"
            >
              {d.upcoming_meetings.items.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('myDay.empty.meetings')} />
              ) : (
                d.upcoming_meetings.items.map(meetingRow)
              )}
              {more(d.upcoming_meetings.count, d.upcoming_meetings.items.length)}
            </SectionCard>
          </Col>
          <Col xs={24} lg={12}>
            <SectionCard title={t('myDay.followUps')} count={followUpCount} testId="my-day-follow-ups">
              {followUpCount === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('myDay.empty.followUps')} />
              ) : (
                followUps
                  .filter(([, s]) => s.count > 0)
                  .map(([object, s]) => (
                    <div
                      key={object}
                      style={{ marginBottom: 12 }}
                      data-testid={`my-day-follow-ups-${object}`}
                    >
                      <Typography.Text strong>
                        {t(OBJECT_LABEL[object])}{' '}
                        <Typography.Text type="secondary" className="fw-num">
                          {s.count}
                        </Typography.Text>
                      </Typography.Text>
                      {s.items.map((r) => idleRow(object, r))}
                      {more(s.count, s.items.length)}
                    </div>
                  ))
              )}
            </SectionCard>
          </Col>
          {touches.data && touches.data.meta.total > 0 && (
            <Col xs={24} lg={12}>
              <SectionCard title={t('myDay.touches')} count={touches.data.meta.total} testId="my-day-touches">
                {touches.data.data.slice(0, 10).map(touchRow)}
                {more(touches.data.meta.total, Math.min(10, touches.data.data.length))}
                <Link to="/success/touch" style={{ display: 'block', marginTop: 8, fontSize: 12 }}>
                  {t('myDay.touchesAll')}
                </Link>
              </SectionCard>
            </Col>
          )}
        </Row>
      )}
      {quick.element}
      {callLog.element}
      {visitLog.element}
    </div>
  );
}
