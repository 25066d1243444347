import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleDef } from '../../platform/module.ts';
import { workOrderObject } from './objects.ts';
import { successWeeklyJob } from './success.jobs.ts';
import { registerHealthRoutes } from './health.routes.ts';
import { registerUsageRoutes } from './usage.routes.ts';

/**
 * Customer success (DOMAIN.md §6.1–§6.3, §6.7; docs/HEALTH.md): usage telemetry, weekly health
 * scores, health rate and the healthy-ARR bridge, the nine-grid, change alerts with warning work
 * orders, CSM incentive statements and the renewal-probability model.
 */
export const successModule: ModuleDef = {
  name: 'success',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  objects: [workOrderObject],
  jobs: (platform) => [successWeeklyJob(platform)],
  routes(app, platform) {
    registerHealthRoutes(app, platform);
    registerUsageRoutes(app, platform);
  },
};
