import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleDef } from '../../platform/module.ts';
import { dueRenewalObject, managedHooks, renewalAdjustmentObject, subscriptionObject } from './objects.ts';
import { subscriptionsSubscriber } from './subscriber.ts';
import { subscriptionsDailyJob } from './subscriptions.jobs.ts';
import { MetricsService } from './metrics.service.ts';
import { adjustmentApprovals, RenewalsService } from './renewals.service.ts';
import { registerSubscriptionRoutes } from './subscriptions.routes.ts';

/**
 * Subscriptions, renewals and SaaS metrics (DOMAIN.md §5, docs/METRICS.md): the ARR ledger booked
 * from the cash module's order events, due renewals (应续) and their matching, ARR movements,
 * renewal rates, NRR/GRR and cohorts.
 */
export const subscriptionsModule: ModuleDef = {
  name: 'subscriptions',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  objects: [
    { ...subscriptionObject, hooks: managedHooks },
    { ...dueRenewalObject, hooks: managedHooks },
    { ...renewalAdjustmentObject, hooks: managedHooks },
  ],
  jobs: (platform) => [subscriptionsDailyJob(platform)],
  approvals: { renewal_adjustment: adjustmentApprovals },
  subscribers: () => [subscriptionsSubscriber()],
  routes(app, platform) {
    registerSubscriptionRoutes(app, new MetricsService(platform.db), new RenewalsService(platform));
  },
};

export { bookOrder, refreshAccount, refreshAccounts } from './ledger.service.ts';
export { MetricsService } from './metrics.service.ts';
