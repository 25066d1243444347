import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { ModuleDef } from '../../platform/module.ts';
import type { Actor } from '../../platform/access/permissions.ts';
import { campaignMemberObject, campaignObject, leadObject, leadPoolObject } from './objects.ts';
import { campaignMemberHooks, leadHooks } from './pipeline.ts';
import { LeadsService } from './leads.service.ts';
import { registerLeadRoutes, registerPublicLeadRoutes } from './leads.routes.ts';
import { registerCampaignRoutes } from './campaigns.routes.ts';
import { leadScoreDecayJob, leadTimersJob } from './leads.jobs.ts';
import { importMergeLeads } from './merge-touch.ts';
import { myPoolsSql } from './pool-members.ts';

const services = new WeakMap<object, LeadsService>();

// pools the caller works: as a user or through their department (and the departments above it)
const myPools = (a: Actor) => myPoolsSql(a);

/** Marketing → leads: campaigns, capture, duplicate check, pools, assignment, scoring. */
export const leadsModule: ModuleDef = {
  name: 'leads',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  objects: [
    campaignObject,
    { ...leadPoolObject, extraReadScope: (a) => sql<boolean>`t.id in (${myPools(a)})` },
    {
      ...leadObject,
      hooks: leadHooks,
      ownerDefaultsToCreator: false,
      // a repeat person in an import file becomes a touch of the lead they repeat
      importMerge: importMergeLeads,
      // pool members see the unassigned leads of their pools (to claim them)
      extraReadScope: (a) => sql<boolean>`(t.status = 'unassigned' and t.pool_id in (${myPools(a)}))`,
    },
    { ...campaignMemberObject, hooks: campaignMemberHooks },
  ],
  jobs: [leadTimersJob, leadScoreDecayJob],
  events: [
    'lead.assigned',
    'lead.claimed',
    'lead.returned',
    'lead.transferred',
    'lead.invalidated',
    'lead.voided',
    'lead.revived',
    'lead.recycled',
    'lead.touched',
    'lead.merged',
    'lead.converted',
    'lead.qualified',
  ],
  routes(app, platform) {
    const s = services.get(platform) ?? new LeadsService(platform);
    services.set(platform, s);
    registerLeadRoutes(app, s);
    registerCampaignRoutes(app, platform.db);
  },
  async publicRoutes(app, platform) {
    const s = services.get(platform) ?? new LeadsService(platform);
    services.set(platform, s);
    await registerPublicLeadRoutes(app, platform, s);
  },
};

export { LeadsService, systemActor } from './leads.service.ts';
export { leadTimersJob } from './leads.jobs.ts';
export { recordLeadFollowUps, type LeadFollowUp } from './follow-up.ts';
