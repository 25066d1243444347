import { sql } from 'kysely';
import type { JobDef } from '../jobs/jobs.types.ts';
import { todayIn } from '../jobs/dates.rules.ts';
import { tenantTimeZone } from '../jobs/tenant-zone.ts';
import type { ApprovalsService } from './approvals.service.ts';

/**
 * Approval reminders: each pending task older than its node's timeout_hours gets one in-app
 * notification to its approver. "Older" is measured at now when asOf is today in the tenant's
 * zone, otherwise at the end of the asOf day (a catch-up run or a test), like task reminders.
 */
export function approvalRemindersJob(approvals: ApprovalsService): JobDef {
  return {
    name: 'platform.approval_reminders',
    schedule: '*/30 * * * *',
    description: {
      'zh-CN': '审批超时提醒（超过节点时限的待办通知审批人）',
      'en-US': 'Remind approvers of tasks past their step timeout',
    },
    async run({ asOf, tdb }) {
      return tdb.transaction(async (tx) => {
        const tz = await tenantTimeZone(tx);
        const moment =
          asOf === todayIn(tz) ? sql`now()` : sql`((${asOf}::date + 1)::timestamp at time zone ${tz})`;
        return { as_of: asOf, reminded: await approvals.remindOverdue(tx, moment) };
      });
    },
  };
}
