import type { ModuleDef } from '../platform/module.ts';
import { accountsModule } from './accounts/index.ts';
import { leadsModule } from './leads/index.ts';
import { salesModule } from './sales/index.ts';
import { activitiesModule } from './activities/index.ts';

/** Business modules in dependency order (migrations run in this order). */
export const modules: ModuleDef[] = [accountsModule, leadsModule, salesModule, activitiesModule];
