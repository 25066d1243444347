import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/pool.ts';
import { TenantDb } from '../db/tenant-db.ts';
import { newId, isUuid } from '../db/ids.ts';
import { AppError, forbidden, invalid, notFound } from '../http/errors.ts';
import { can, type Actor } from '../access/permissions.ts';
import type { MetadataRegistry } from '../metadata/registry.ts';
import { writeAudit } from '../audit/audit.ts';

/** What a list view remembers; the filter uses the same grammar as POST …/query. */
export const viewConfigSchema = z.strictObject({
  columns: z.array(z.string().max(64)).max(100).default([]),
  filter: z.array(z.unknown()).max(100).default([]),
  sort: z.string().max(500).default(''),
  /** 'table' or 'kanban:<select field>' */
  layout: z.string().max(80).default('table'),
  page_size: z.number().int().min(1).max(200).default(50),
});
export type ViewConfig = z.infer<typeof viewConfigSchema>;

export interface ViewRow {
  id: string;
  object: string;
  name: string;
  owner_id: string;
  shared: boolean;
  config: ViewConfig;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** Saved list views: personal ones for everybody, shared ones maintained by admins. */
export class ViewsService {
  constructor(
    private readonly db: Db,
    private readonly registry: MetadataRegistry,
  ) {}

  async list(actor: Actor, object: string): Promise<ViewRow[]> {
    await this.registry.get(actor.tenantId, object);
    if (!can(actor, object, 'read')) throw forbidden();
    return TenantDb.for(this.db, actor.tenantId).query(sql<ViewRow>`
      select id, object, name, owner_id, shared, config, version, created_at, updated_at from list_view
      where tenant_id = ${actor.tenantId} and object = ${object} and (shared or owner_id = ${actor.userId})
      order by shared desc, name`);
  }

  private async own(actor: Actor, id: string): Promise<ViewRow> {
    if (!isUuid(id)) throw notFound();
    const v = await TenantDb.for(this.db, actor.tenantId).one(sql<ViewRow>`
      select id, object, name, owner_id, shared, config, version, created_at, updated_at from list_view
      where tenant_id = ${actor.tenantId} and id = ${id} and (shared or owner_id = ${actor.userId})`);
    if (!v) throw notFound();
    // Shared views are the admins' to change; personal ones their owner's.
    if (v.shared ? !actor.isAdmin : v.owner_id !== actor.userId) throw forbidden();
    return v;
  }

  async create(
    actor: Actor,
    input: { object: string; name: string; shared?: boolean | undefined; config: unknown },
  ): Promise<ViewRow> {
    if (!actor.userId) throw new AppError('forbidden', 'session_required');
    await this.registry.get(actor.tenantId, input.object);
    if (!can(actor, input.object, 'read')) throw forbidden();
    if (input.shared && !actor.isAdmin) throw forbidden();
    const cfg = viewConfigSchema.safeParse(input.config ?? {});
    if (!cfg.success) throw invalid([{ field: 'config', issue: 'invalid_value' }]);
    if (!input.name.trim()) throw invalid([{ field: 'name', issue: 'required' }]);
    const id = newId();
    await TenantDb.for(this.db, actor.tenantId).transaction(async (tx) => {
      await tx.exec0(sql`insert into list_view (tenant_id, id, object, name, owner_id, shared, config)
        values (${actor.tenantId}, ${id}, ${input.object}, ${input.name.trim()}, ${actor.userId}, ${input.shared ?? false}, ${JSON.stringify(cfg.data)}::jsonb)`);
      if (input.shared)
        await writeAudit(tx, actor, [
          { action: 'admin', object: 'list_view', recordId: id, changes: { name: [null, input.name] } },
        ]);
    });
    return this.own(actor, id);
  }

  async update(
    actor: Actor,
    id: string,
    input: { name?: string | undefined; config?: unknown; version?: number | undefined },
  ): Promise<ViewRow> {
    const v = await this.own(actor, id);
    if (input.version !== undefined && input.version !== v.version)
      throw new AppError('conflict', 'version_conflict');
    let config = v.config;
    if (input.config !== undefined) {
      const cfg = viewConfigSchema.safeParse(input.config);
      if (!cfg.success) throw invalid([{ field: 'config', issue: 'invalid_value' }]);
      config = cfg.data;
    }
    const name = input.name?.trim() ?? v.name;
    if (!name) throw invalid([{ field: 'name', issue: 'required' }]);
    await TenantDb.for(this.db, actor.tenantId).transaction(async (tx) => {
      // Conditional on the version read above: of two concurrent saves one wins, the other gets 409.
      const n =
        await tx.exec0(sql`update list_view set name = ${name}, config = ${JSON.stringify(config)}::jsonb,
        version = version + 1, updated_at = now() where tenant_id = ${actor.tenantId} and id = ${id} and version = ${v.version}`);
      if (n === 0) throw new AppError('conflict', 'version_conflict');
      if (v.shared)
        await writeAudit(tx, actor, [
          {
            action: 'admin',
            object: 'list_view',
            recordId: id,
            changes: { name: [v.name, name], config: [v.config, config] },
          },
        ]);
    });
    return this.own(actor, id);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    const v = await this.own(actor, id);
    await TenantDb.for(this.db, actor.tenantId).transaction(async (tx) => {
      await tx.exec0(sql`delete from list_view where tenant_id = ${actor.tenantId} and id = ${id}`);
      if (v.shared)
        await writeAudit(tx, actor, [
          { action: 'admin', object: 'list_view', recordId: id, changes: { name: [v.name, null] } },
        ]);
    });
  }
}
