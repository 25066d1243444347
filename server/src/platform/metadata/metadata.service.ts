import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/pool.ts';
import { TenantDb } from '../db/tenant-db.ts';
import { newId, isUuid } from '../db/ids.ts';
import { AppError, invalid, type FieldIssue } from '../http/errors.ts';
import type { Actor } from '../access/permissions.ts';
import { fieldAccess } from '../access/permissions.ts';
import { writeAudit } from '../audit/audit.ts';
import type { Locale } from '../i18n/i18n.ts';
import { fieldOf, type MetadataRegistry } from './registry.ts';
import { FIELD_TYPES, type FieldDef, type ObjectDef } from './types.ts';
import { coerceValue } from './values.rules.ts';

const labelsSchema = z
  .object({
    'zh-CN': z.string().trim().min(1).max(80).optional(),
    'en-US': z.string().trim().min(1).max(80).optional(),
  })
  .strict()
  .refine((l) => l['zh-CN'] || l['en-US']);

export const newFieldSchema = z.strictObject({
  api_name: z.string().regex(/^[a-z][a-z0-9_]{0,40}__c$/),
  type: z.enum(FIELD_TYPES),
  label: labelsSchema,
  required: z.boolean().default(false),
  unique: z.boolean().default(false),
  /** Build an expression index for fast filter/sort on large objects. */
  indexed: z.boolean().default(false),
  default: z.unknown().optional(),
  options: z
    .array(
      z.strictObject({
        value: z.string().min(1).max(80),
        label: labelsSchema,
        color: z.string().max(20).optional(),
      }),
    )
    .max(500)
    .optional(),
  lookup: z.string().optional(),
  max_length: z.number().int().min(1).max(100_000).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
});
export type NewField = z.infer<typeof newFieldSchema>;

/** What may change on an existing custom field: labels, required, options (values are kept stable). */
export const fieldPatchSchema = z.strictObject({
  label: labelsSchema.optional(),
  required: z.boolean().optional(),
  options: z
    .array(
      z.strictObject({
        value: z.string().min(1).max(80),
        label: labelsSchema,
        color: z.string().max(20).optional(),
      }),
    )
    .max(500)
    .optional(),
});
export type FieldPatch = z.infer<typeof fieldPatchSchema>;

export const newObjectSchema = z.strictObject({
  api_name: z.string().regex(/^[a-z][a-z0-9_]{0,40}__c$/),
  label: labelsSchema,
  plural_label: labelsSchema.optional(),
});
export type NewObject = z.infer<typeof newObjectSchema>;

const both = (l: { 'zh-CN'?: string | undefined; 'en-US'?: string | undefined }): Record<Locale, string> => ({
  'zh-CN': l['zh-CN'] ?? l['en-US'] ?? '',
  'en-US': l['en-US'] ?? l['zh-CN'] ?? '',
});

const UNIQUE_TYPES = new Set(['text', 'email', 'phone', 'number', 'url']);

/** Admin-defined custom fields and custom objects. */
export class MetadataService {
  constructor(
    private readonly db: Db,
    private readonly registry: MetadataRegistry,
    private readonly log?: FastifyBaseLogger,
  ) {}

  /** Metadata as a reader sees it: hidden fields left out, access level per field. */
  describe(actor: Actor, obj: ObjectDef): Record<string, unknown> {
    return {
      api_name: obj.apiName,
      label: obj.label,
      plural_label: obj.pluralLabel,
      is_custom: obj.isCustom,
      module: obj.module,
      name_field: obj.nameField,
      search_fields: obj.searchFields,
      fields: obj.fields
        .filter((f) => fieldAccess(actor, obj.apiName, f.apiName) !== 'hidden')
        .map((f) => ({
          api_name: f.apiName,
          type: f.type,
          label: f.label,
          required: f.required,
          unique: f.unique,
          is_custom: f.isCustom,
          system: Boolean(f.system),
          read_only: Boolean(f.system || f.readOnly) || fieldAccess(actor, obj.apiName, f.apiName) === 'read',
          list_default: f.listDefault ?? true,
          ...(f.options ? { options: f.options } : {}),
          ...(f.lookup ? { lookup: f.lookup } : {}),
          ...(f.defaultValue !== undefined ? { default: f.defaultValue } : {}),
          ...(f.maxLength !== undefined ? { max_length: f.maxLength } : {}),
          ...(f.min !== undefined ? { min: f.min } : {}),
          ...(f.max !== undefined ? { max: f.max } : {}),
        })),
    };
  }

  async createField(actor: Actor, object: string, input: NewField): Promise<FieldDef> {
    const obj = await this.registry.get(actor.tenantId, object);
    const issues: FieldIssue[] = [];
    if (fieldOf(obj, input.api_name)) issues.push({ field: 'api_name', issue: 'in_use' });
    if ((input.type === 'select' || input.type === 'multi_select') && !input.options?.length)
      issues.push({ field: 'options', issue: 'required' });
    if (input.options) {
      const values = input.options.map((o) => o.value);
      if (new Set(values).size !== values.length) issues.push({ field: 'options', issue: 'not_unique' });
    }
    if (input.type === 'lookup') {
      if (!input.lookup) issues.push({ field: 'lookup', issue: 'required' });
      else if (!(await this.registry.objects(actor.tenantId)).has(input.lookup))
        issues.push({ field: 'lookup', issue: 'invalid_reference' });
    }
    if (input.unique && !UNIQUE_TYPES.has(input.type))
      issues.push({ field: 'unique', issue: 'invalid_value' });
    const def: FieldDef = {
      apiName: input.api_name,
      type: input.type,
      label: both(input.label),
      required: input.required,
      unique: input.unique,
      isCustom: true,
      ...(input.options ? { options: input.options.map((o) => ({ ...o, label: both(o.label) })) } : {}),
      ...(input.lookup ? { lookup: input.lookup } : {}),
      ...(input.max_length !== undefined ? { maxLength: input.max_length } : {}),
      ...(input.min !== undefined ? { min: input.min } : {}),
      ...(input.max !== undefined ? { max: input.max } : {}),
    };
    if (input.default !== undefined && input.default !== null) {
      const c = coerceValue(def, input.default);
      if (!c.ok) issues.push({ field: 'default', ...c.issue });
      else def.defaultValue = c.value;
    }
    if (issues.length) throw invalid(issues);
    const tdb = TenantDb.for(this.db, actor.tenantId);
    const position = obj.fields.length;
    await tdb.transaction(async (tx) => {
      await tx.exec0(sql`insert into field_def (tenant_id, id, object, api_name, type, label, required, is_unique, default_value, options, lookup, validation, position)
        values (${actor.tenantId}, ${newId()}, ${object}, ${def.apiName}, ${def.type}, ${JSON.stringify(def.label)}::jsonb, ${def.required}, ${def.unique},
          ${def.defaultValue === undefined ? null : JSON.stringify(def.defaultValue)}::jsonb, ${def.options ? JSON.stringify(def.options) : null}::jsonb, ${def.lookup ?? null},
          ${JSON.stringify({ maxLength: def.maxLength, min: def.min, max: def.max })}::jsonb, ${position})`);
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'field_def',
          recordId: null,
          changes: { [`${object}.${def.apiName}`]: [null, def] },
        },
      ]);
    });
    this.registry.invalidate(actor.tenantId);
    if (input.indexed || input.unique) await this.indexField(actor.tenantId, obj, def);
    return def;
  }

  /**
   * An expression index for one tenant's custom field. Partial on the tenant: another tenant may
   * use the same api name with another type, and its values must never reach this cast.
   */
  private async indexField(tenantId: string, obj: ObjectDef, f: FieldDef): Promise<void> {
    if (f.type === 'multi_select' || f.type === 'long_text' || f.type === 'boolean') return;
    if (!isUuid(tenantId)) throw new Error('tenant id expected');
    const cast = f.type === 'number' || f.type === 'percent' ? '::numeric' : '';
    const expr =
      f.type === 'currency'
        ? `((custom->'${f.apiName}'->>'amount')::numeric)`
        : `((custom->>'${f.apiName}')${cast})`;
    const hash = crypto
      .createHash('sha1')
      .update(`${tenantId}:${obj.table}:${obj.apiName}:${f.apiName}`)
      .digest('hex')
      .slice(0, 16);
    const name = `cf_${obj.table.slice(0, 20)}_${hash}`;
    const where = `tenant_id = '${tenantId}'${obj.isCustom ? ` and object = '${obj.apiName}'` : ''} and deleted_at is null`;
    // api_name matched ^[a-z][a-z0-9_]*__c$, the tenant id is a checked UUID, the table comes from code.
    try {
      await sql
        .raw(`create index concurrently if not exists ${name} on ${obj.table} (${expr}) where ${where}`)
        .execute(this.db.kysely);
    } catch (err) {
      // The field works without its index (only slower on large objects); do not fail the request.
      this.log?.warn({ err, field: f.apiName }, 'could not create the custom field index');
    }
  }

  /**
   * Edits a custom field's labels, required flag or options. Option values stored on records
   * must survive: an option in use cannot be removed (422 naming it); its label may change.
   */
  async updateField(actor: Actor, object: string, apiName: string, input: FieldPatch): Promise<FieldDef> {
    const obj = await this.registry.get(actor.tenantId, object);
    const f = fieldOf(obj, apiName);
    if (!f || !f.isCustom) throw new AppError('not_found', 'not_found');
    const tdb = TenantDb.for(this.db, actor.tenantId);
    const next: FieldDef = { ...f };
    if (input.label) next.label = both(input.label);
    if (input.required !== undefined) next.required = input.required;
    if (input.options) {
      if (f.type !== 'select' && f.type !== 'multi_select')
        throw invalid([{ field: 'options', issue: 'invalid_value' }]);
      const values = input.options.map((o) => o.value);
      if (new Set(values).size !== values.length) throw invalid([{ field: 'options', issue: 'not_unique' }]);
      const removed = (f.options ?? []).map((o) => o.value).filter((v) => !values.includes(v));
      for (const v of removed) {
        const probe = f.type === 'select' ? { [f.apiName]: v } : { [f.apiName]: [v] };
        const used = await tdb.one(
          sql`select 1 from ${sql.table(obj.table)} where tenant_id = ${actor.tenantId} and custom @> ${JSON.stringify(probe)}::jsonb ${obj.isCustom ? sql`and object = ${obj.apiName}` : sql``} limit 1`,
        );
        if (used) throw invalid([{ field: 'options', issue: 'in_use', params: { value: v } }]);
      }
      next.options = input.options.map((o) => ({ ...o, label: both(o.label) }));
    }
    await tdb.transaction(async (tx) => {
      await tx.exec0(sql`update field_def set label = ${JSON.stringify(next.label)}::jsonb, required = ${next.required},
          options = ${next.options ? JSON.stringify(next.options) : null}::jsonb
        where tenant_id = ${actor.tenantId} and object = ${object} and api_name = ${apiName}`);
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'field_def',
          recordId: null,
          changes: { [`${object}.${apiName}`]: [f, next] },
        },
      ]);
    });
    this.registry.invalidate(actor.tenantId);
    return next;
  }

  /** Renames a custom object (both languages). */
  async updateObject(
    actor: Actor,
    object: string,
    input: { label?: NewObject['label'] | undefined; plural_label?: NewObject['label'] | undefined },
  ): Promise<ObjectDef> {
    const obj = await this.registry.get(actor.tenantId, object);
    if (!obj.isCustom) throw new AppError('not_found', 'not_found');
    const label = input.label ? both(input.label) : obj.label;
    const plural = input.plural_label ? both(input.plural_label) : obj.pluralLabel;
    await TenantDb.for(this.db, actor.tenantId).transaction(async (tx) => {
      await tx.exec0(
        sql`update object_def set label = ${JSON.stringify(label)}::jsonb, plural_label = ${JSON.stringify(plural)}::jsonb where tenant_id = ${actor.tenantId} and api_name = ${object}`,
      );
      await writeAudit(tx, actor, [
        { action: 'admin', object: 'object_def', recordId: null, changes: { [object]: [obj.label, label] } },
      ]);
    });
    this.registry.invalidate(actor.tenantId);
    return this.registry.get(actor.tenantId, object);
  }

  async createObject(actor: Actor, input: NewObject): Promise<ObjectDef> {
    if ((await this.registry.objects(actor.tenantId)).has(input.api_name))
      throw new AppError('conflict', 'duplicate_value', [{ field: 'api_name', issue: 'in_use' }]);
    const tdb = TenantDb.for(this.db, actor.tenantId);
    const label = both(input.label);
    await tdb.transaction(async (tx) => {
      await tx.exec0(
        sql`insert into object_def (tenant_id, id, api_name, label, plural_label) values (${actor.tenantId}, ${newId()}, ${input.api_name}, ${JSON.stringify(label)}::jsonb, ${JSON.stringify(both(input.plural_label ?? input.label))}::jsonb)`,
      );
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'object_def',
          recordId: null,
          changes: { [input.api_name]: [null, label] },
        },
      ]);
    });
    this.registry.invalidate(actor.tenantId);
    return this.registry.get(actor.tenantId, input.api_name);
  }
}
