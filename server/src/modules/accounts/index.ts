import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { ModuleDef } from '../../platform/module.ts';
import { accountObject, accountPoolObject, contactObject } from './objects.ts';
import { accountExtraRead, accountExtraWrite, contactExtraRead, myAccountPools } from './scopes.ts';
import { AccountsService } from './accounts.service.ts';
import { registerAccountRoutes } from './accounts.routes.ts';
import { accountGradeJob, accountReclaimJob } from './accounts.jobs.ts';

/** Accounts and contacts: pools (claim / return / assign / transfer, reclaim), team, duplicates, grades, 360° view. */
export const accountsModule: ModuleDef = {
  name: 'accounts',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  objects: [
    {
      ...accountObject,
      // pool members see the accounts waiting in their pools (to claim them); team members the accounts they work on
      extraReadScope: accountExtraRead,
      // team members with edit access may edit (not delete, not move: moves are actions)
      extraWriteScope: accountExtraWrite,
    },
    { ...accountPoolObject, extraReadScope: (a) => sql<boolean>`t.id in (${myAccountPools(a)})` },
    { ...contactObject, extraReadScope: contactExtraRead },
  ],
  jobs: [accountReclaimJob, accountGradeJob],
  events: [
    'account.claimed',
    'account.returned',
    'account.assigned',
    'account.transferred',
    'account.reclaimed',
    'account.team_changed',
  ],
  routes(app, platform) {
    registerAccountRoutes(app, new AccountsService(platform));
  },
};

export { normaliseCompany, normaliseEmail, normalisePhone } from './normalise.rules.ts';
export { SOURCE_CHANNELS, attributionFields } from './attribution.ts';
/** The protection period rule, shared with leads (DOMAIN.md §1). */
export {
  DEFAULT_PROTECTION,
  isReclaimDue,
  reclaimDate,
  type ProtectionSettings,
} from './protection.rules.ts';
export { isValidCreditCode, normaliseCreditCode } from './credit-code.rules.ts';
export { AccountsService } from './accounts.service.ts';
