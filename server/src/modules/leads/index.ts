import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleDef } from '../../platform/module.ts';
import { campaignMemberObject, campaignObject, leadObject, leadPoolObject } from './objects.ts';
import { campaignMemberHooks, leadHooks } from './pipeline.ts';
import { LeadsService } from './leads.service.ts';
import { registerLeadRoutes, registerPublicLeadRoutes } from './leads.routes.ts';
import { leadTimersJob } from './leads.jobs.ts';

const services = new WeakMap<object, LeadsService>();

/** Marketing → leads: campaigns, capture, duplicate check, pools, assignment, scoring. */
export const leadsModule: ModuleDef = {
  name: 'leads',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  objects: [
    campaignObject,
    leadPoolObject,
    { ...leadObject, hooks: leadHooks, ownerDefaultsToCreator: false },
    { ...campaignMemberObject, hooks: campaignMemberHooks },
  ],
  jobs: [leadTimersJob],
  routes(app, platform) {
    const s = services.get(platform) ?? new LeadsService(platform);
    services.set(platform, s);
    registerLeadRoutes(app, s);
  },
  async publicRoutes(app, platform) {
    const s = services.get(platform) ?? new LeadsService(platform);
    services.set(platform, s);
    await registerPublicLeadRoutes(app, platform, s);
  },
};

export { LeadsService, systemActor } from './leads.service.ts';
