import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleDef } from '../../platform/module.ts';
import { activityObject, taskObject } from './objects.ts';
import { activityHooks, taskHooks } from './hooks.ts';
import { taskRemindersJob } from './activities.jobs.ts';
import { ActivitiesService } from './activities.service.ts';
import { registerActivityRoutes } from './activities.routes.ts';

/** Follow-up records and tasks; logging one moves the follow-up dates of what it is about. */
export const activitiesModule: ModuleDef = {
  name: 'activities',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  objects: [
    { ...activityObject, hooks: activityHooks },
    { ...taskObject, hooks: taskHooks },
  ],
  jobs: [taskRemindersJob],
  routes(app, platform) {
    registerActivityRoutes(app, new ActivitiesService(platform));
  },
};

export { ACTIVITY_TYPES } from './objects.ts';
export { ActivitiesService } from './activities.service.ts';
