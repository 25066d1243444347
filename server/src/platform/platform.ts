import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import type { Db } from './db/pool.ts';
import type { MetadataRegistry } from './metadata/registry.ts';
import type { MetadataService } from './metadata/metadata.service.ts';
import type { RecordsService } from './records/records.service.ts';
import type { AuthService } from './identity/auth.service.ts';
import type { UsersService } from './identity/users.service.ts';
import type { JobsService } from './jobs/jobs.service.ts';
import type { EventDispatcher } from './events/dispatcher.ts';
import type { WebhooksService } from './events/webhooks.service.ts';
import type { NotifyService } from './notify/notify.service.ts';
import type { ImportService } from './io/import.service.ts';
import type { ExportService } from './io/export.service.ts';
import type { ApprovalsService } from './approvals/approvals.service.ts';
import type { FilesService } from './files/files.service.ts';

/** The platform services a module may use (passed to its routes and jobs). */
export interface Platform {
  config: Config;
  db: Db;
  log: FastifyBaseLogger;
  registry: MetadataRegistry;
  metadata: MetadataService;
  records: RecordsService;
  auth: AuthService;
  users: UsersService;
  jobs: JobsService;
  events: EventDispatcher;
  webhooks: WebhooksService;
  notify: NotifyService;
  imports: ImportService;
  exports: ExportService;
  /** submit(actor, {object, recordId, trigger}, tx?) → instance or null (no process applies) */
  approvals: ApprovalsService;
  /** attachments on any record */
  files: FilesService;
}
