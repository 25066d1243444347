import type { JobDef } from '../../platform/jobs/jobs.types.ts';
import { recomputeIncentiveMonth } from './incentive.service.ts';
import { shiftMonth } from './month.rules.ts';

/**
 * The month's CSM incentive drafts (DOMAIN.md §6.7): on the 2nd (04:00, after the month-end
 * ledger and the Monday scoring settled), computes the statements of the month before `asOf`.
 * Only drafts are (re)written; approved and locked statements are left alone, so a rerun is safe.
 */
export const successIncentiveJob: JobDef = {
  name: 'success.incentive',
  schedule: '0 4 2 * *',
  description: {
    'zh-CN': '客户成功：计算上月客户成功经理激励结算单（草稿）',
    'en-US': 'Customer success: compute last month’s CSM incentive statements (drafts)',
  },
  async run({ asOf, tdb }) {
    const month = shiftMonth(asOf.slice(0, 7), -1);
    const statements = await recomputeIncentiveMonth(tdb, month);
    return { month, statements };
  },
};
