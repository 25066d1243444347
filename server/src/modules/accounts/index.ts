import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleDef } from '../../platform/module.ts';
import { accountObject, accountPoolObject, contactObject } from './objects.ts';

/** Accounts and contacts (issue 5 builds pools, 360° view and duplicate rules on these). */
export const accountsModule: ModuleDef = {
  name: 'accounts',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  objects: [accountObject, accountPoolObject, contactObject],
};

export { normaliseCompany, normaliseEmail, normalisePhone } from './normalise.rules.ts';
export { SOURCE_CHANNELS, attributionFields } from './attribution.ts';
