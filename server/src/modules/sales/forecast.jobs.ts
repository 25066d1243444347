import type { JobDef } from '../../platform/jobs/jobs.types.ts';
import { takeSnapshots } from './forecast.service.ts';

/**
 * Weekly forecast snapshots (DOMAIN.md §3): every owner's and department's system forecast for
 * the current and next month and quarter, as of a date, so accuracy can be checked after the
 * period ends. Idempotent per week (the Monday of the as-of date in the tenant's zone).
 */
export const forecastSnapshotJob: JobDef = {
  name: 'sales.forecast_snapshot',
  // Monday morning, before the weekly sales meeting
  schedule: '0 7 * * 1',
  description: {
    'zh-CN': '每周销售预测快照（用于预测准确率）',
    'en-US': 'Weekly sales forecast snapshots (for forecast accuracy)',
  },
  async run({ asOf, tdb }) {
    return { as_of: asOf, ...(await takeSnapshots(tdb, asOf)) };
  },
};
