import type { JobDef } from '../../platform/jobs/jobs.types.ts';
import { recomputeMonth } from './commissions.service.ts';
import { periodOf } from './performance.rules.ts';

/**
 * Recomputes the open (draft and approved) commission statements of the month of `asOf`, and
 * creates those of people with credit that month and no statement yet. Credit changes recompute
 * their statements at once, and so do target changes (sales_target.updated); this run also
 * catches commission rule changes. Locked statements are never touched.
 */
export const commissionsJob: JobDef = {
  name: 'cash.commissions',
  schedule: '30 2 * * *',
  description: {
    'zh-CN': '重算当月未锁定的提成结算单（目标、提成规则变化后）',
    'en-US': 'Recompute the month’s open commission statements (after target or rule changes)',
  },
  async run({ asOf, tdb }) {
    const period = periodOf(asOf);
    const statements = await tdb.transaction((tx) => recomputeMonth(tx, period));
    return { period, statements };
  },
};
