import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleDef } from '../../platform/module.ts';
import { workOrderObject } from './objects.ts';
import { successWeeklyJob } from './success.jobs.ts';
import { registerHealthRoutes } from './health.routes.ts';
import { registerRenewalModelRoutes } from './renewal-model.routes.ts';
import { successModelJob } from './renewal-model.jobs.ts';
import { registerUsageRoutes } from './usage.routes.ts';
import { registerSuccessMetricsRoutes } from './success-metrics.routes.ts';
import { successIncentiveJob } from './incentive.jobs.ts';
import { registerWorkOrderRoutes, WORK_ORDER_EVENTS } from './work-orders.routes.ts';
import { complaintObject, trafficLightObject } from './engagement.objects.ts';
import { registerLightRoutes, LIGHT_EVENTS } from './lights.routes.ts';
import { successLightsJob } from './lights.jobs.ts';
import { surveyObject, surveyResponseObject } from './surveys.objects.ts';
import { registerPublicSurveyRoutes, registerSurveyRoutes, SURVEY_EVENTS } from './surveys.routes.ts';
import { registerJourneyRoutes } from './journeys.routes.ts';
import { JOURNEY_EVENTS } from './journeys.service.ts';
import { journeysSubscriber, successJourneysJob } from './journeys.jobs.ts';
import { registerTierRoutes } from './tiers.routes.ts';
import { successTiersJob, TIER_EVENTS } from './tiers.jobs.ts';

/**
 * Customer success (DOMAIN.md §6.1–§6.3, §6.7; docs/HEALTH.md): usage telemetry, weekly health
 * scores, health rate and the healthy-ARR bridge, the nine-grid, change alerts with warning work
 * orders, CSM incentive statements and the renewal-probability model.
 */
export const successModule: ModuleDef = {
  name: 'success',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  objects: [workOrderObject, trafficLightObject, complaintObject, surveyObject, surveyResponseObject],
  jobs: (platform) => [
    successWeeklyJob(platform),
    successIncentiveJob,
    successModelJob(),
    successLightsJob,
    successJourneysJob,
    successTiersJob,
  ],
  events: [
    'csm_statement.approved',
    'csm_statement.locked',
    ...WORK_ORDER_EVENTS,
    ...LIGHT_EVENTS,
    ...SURVEY_EVENTS,
    ...JOURNEY_EVENTS,
    ...TIER_EVENTS,
  ],
  routes(app, platform) {
    registerHealthRoutes(app, platform);
    registerRenewalModelRoutes(app, platform);
    registerUsageRoutes(app, platform);
    registerSuccessMetricsRoutes(app, platform);
    registerWorkOrderRoutes(app, platform);
    registerLightRoutes(app, platform);
    registerSurveyRoutes(app, platform);
    registerJourneyRoutes(app, platform);
    registerTierRoutes(app, platform);
  },
  // a confirmed new order starts its customer's journey (journeys.jobs.ts)
  subscribers: () => [journeysSubscriber()],
  async publicRoutes(app, platform) {
    await registerPublicSurveyRoutes(app, platform);
  },
};
