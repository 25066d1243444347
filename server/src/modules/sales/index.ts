import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleDef } from '../../platform/module.ts';
import { opportunityObject } from './objects.ts';
import { opportunityHooks } from './opportunity.hooks.ts';
import { PipelinesService } from './pipelines.service.ts';
import { OpportunitiesService } from './opportunities.service.ts';
import { registerSalesRoutes } from './sales.routes.ts';
import { salesAlertsJob } from './sales.jobs.ts';
import { registerForecastRoutes } from './forecast.routes.ts';
import { forecastSnapshotJob } from './forecast.jobs.ts';

/** Opportunities, pipelines and stage gating, forecasts and targets (DOMAIN.md §3). */
export const salesModule: ModuleDef = {
  name: 'sales',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  objects: [{ ...opportunityObject, hooks: opportunityHooks }],
  jobs: [salesAlertsJob, forecastSnapshotJob],
  events: [
    'opportunity.alert',
    'account.won',
    'forecast.submitted',
    'forecast.adjusted',
    'sales_target.updated',
  ],
  routes(app, platform) {
    registerSalesRoutes(app, new PipelinesService(platform), new OpportunitiesService(platform));
    registerForecastRoutes(app, platform);
  },
};

// used by the demo loader (server/src/demo/demo-sales.ts)
export { OpportunitiesService } from './opportunities.service.ts';
export { submitForecast } from './forecast.service.ts';
export { upsertTargets } from './targets.service.ts';
export { forecastSnapshotJob } from './forecast.jobs.ts';
export { salesAlertsJob } from './sales.jobs.ts';
