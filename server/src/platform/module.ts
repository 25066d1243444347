import type { FastifyInstance } from 'fastify';
import type { ObjectDef } from './metadata/types.ts';
import type { JobDef } from './jobs/jobs.types.ts';
import type { Platform } from './platform.ts';
import type { Subscriber } from './events/dispatcher.ts';
import type { ApprovalHandler } from './approvals/approvals.types.ts';

/** What a business module hands to the platform (see DESIGN.md "Shape of a domain module"). */
export interface ModuleDef {
  name: string;
  migrationsDir: string;
  objects: ObjectDef[];
  /** Background jobs; a function when a job needs platform services (records, approvals …). */
  jobs?: JobDef[] | ((platform: Platform) => JobDef[]);
  /** Domain events the module emits beyond the generic `<object>.created|updated|deleted|restored`. */
  events?: string[];
  /**
   * Reactions to approvals of the module's objects, by object api name (docs/ARCHITECTURE.md
   * "Approvals"): called in the approval's transaction when a submission is stored and when it ends.
   */
  approvals?: Record<string, ApprovalHandler>;
  /** Registers the module's own routes (already inside the authenticated scope). */
  routes?(app: FastifyInstance, platform: Platform): void;
  /** Routes without sign-in (public forms …): the module authenticates them itself. */
  publicRoutes?(app: FastifyInstance, platform: Platform): Promise<void>;
  /**
   * Consumers of domain events (the outbox dispatcher delivers each event once per subscriber
   * name, inside the dispatch transaction). Names must be unique: prefix them with the module's.
   */
  subscribers?(platform: Platform): Subscriber[];
}
