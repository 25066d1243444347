import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleDef } from '../../platform/module.ts';
import { opportunityObject } from './objects.ts';

/** Opportunities, pipelines and stage gating, forecasts and targets (DOMAIN.md §3). */
export const salesModule: ModuleDef = {
  name: 'sales',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  objects: [opportunityObject],
};
