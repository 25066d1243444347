import { sql } from 'kysely';
import type { JobDef } from '../../platform/jobs/jobs.types.ts';
import { tenantTimeZone } from '../../platform/jobs/tenant-zone.ts';
import { addNotifications } from '../../platform/notify/notify.service.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';

/**
 * Task reminders: every open task whose remind_at has come and that was not reminded yet gets
 * one notification to its assignee, and reminded_at is set (so a re-run sends nothing twice).
 * "Come" means: now when asOf is today in the tenant's zone; for another date (a catch-up or a
 * test), the end of that day.
 */
export const taskRemindersJob: JobDef = {
  name: 'activities.task_reminders',
  schedule: '*/5 * * * *',
  description: { 'zh-CN': '任务提醒（到点通知负责人）', 'en-US': 'Task reminders to assignees' },
  async run({ tenantId, asOf, tdb }) {
    return tdb.transaction(async (tx) => {
      const tz = await tenantTimeZone(tx);
      const moment =
        asOf === todayIn(tz) ? sql`now()` : sql`((${asOf}::date + 1)::timestamp at time zone ${tz})`;
      // skip locked: an overlapping run leaves these rows to whoever holds them
      const due = await tx.query(sql<{ id: string; owner_id: string; subject: string }>`
        update task t set reminded_at = now()
        where t.tenant_id = ${tenantId} and t.id in (
          select id from task
          where tenant_id = ${tenantId} and status = 'open' and reminded_at is null and deleted_at is null
            and owner_id is not null and remind_at <= ${moment}
          order by remind_at limit 5000 for update skip locked)
        returning t.id, t.owner_id, t.subject`);
      await addNotifications(
        tx,
        due.map((t) => ({
          userId: t.owner_id,
          kind: 'task.reminder',
          title: `任务提醒：${t.subject}`,
          link: `/o/task/${t.id}`,
        })),
      );
      return { as_of: asOf, reminded: due.length };
    });
  },
};
