import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleDef } from '../../platform/module.ts';
import { activityObject, taskObject } from './objects.ts';

/** Follow-up records and tasks; logging one moves the follow-up dates of what it is about. */
export const activitiesModule: ModuleDef = {
  name: 'activities',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  objects: [activityObject, taskObject],
};

export { ACTIVITY_TYPES } from './objects.ts';
