import type { ModuleDef } from '../platform/module.ts';
import type { StandardObject } from '../platform/identity/roles.rules.ts';
import { accountsModule } from './accounts/index.ts';
import { leadsModule } from './leads/index.ts';
import { salesModule } from './sales/index.ts';
import { activitiesModule } from './activities/index.ts';
import { cashModule } from './cash/index.ts';
import { subscriptionsModule } from './subscriptions/index.ts';
import { successModule } from './success/index.ts';

/** Business modules in dependency order (migrations run in this order). */
export const modules: ModuleDef[] = [
  accountsModule,
  leadsModule,
  salesModule,
  activitiesModule,
  cashModule,
  subscriptionsModule,
  successModule,
];

/** Every module's objects as default roles need them (catalog objects are read-only for most). */
export function standardObjects(): StandardObject[] {
  return modules.flatMap((m) =>
    m.objects.map((o) => ({ apiName: o.apiName, reference: o.referenceData === true })),
  );
}
