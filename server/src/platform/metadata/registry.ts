import { sql } from 'kysely';
import type { Db } from '../db/pool.ts';
import { TenantDb } from '../db/tenant-db.ts';
import { AppError } from '../http/errors.ts';
import type { Labels } from '../i18n/i18n.ts';
import { systemFields, type FieldDef, type FieldType, type ObjectDef, type SelectOption } from './types.ts';

interface ObjectRow {
  api_name: string;
  label: Labels;
  plural_label: Labels | null;
}

interface FieldRow {
  object: string;
  api_name: string;
  type: FieldType;
  label: Labels;
  required: boolean;
  is_unique: boolean;
  default_value: unknown;
  options: SelectOption[] | null;
  lookup: string | null;
  validation: { maxLength?: number; min?: number; max?: number } | null;
}

// Metadata changes are rare; a short TTL keeps several API nodes in step without a query per request.
const CACHE_TTL_MS = 3_000;

/**
 * Standard objects (declared in code by modules) merged with each tenant's custom fields and
 * custom objects (declared by admins, stored in object_def / field_def).
 */
export class MetadataRegistry {
  private readonly standard = new Map<string, ObjectDef>();
  private readonly cache = new Map<string, { at: number; objects: Map<string, ObjectDef> }>();

  constructor(
    private readonly db: Db,
    standard: ObjectDef[],
  ) {
    for (const o of standard) this.standard.set(o.apiName, o);
  }

  isStandard(apiName: string): boolean {
    return this.standard.has(apiName);
  }

  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  async objects(tenantId: string): Promise<Map<string, ObjectDef>> {
    const hit = this.cache.get(tenantId);
    if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.objects;
    const tdb = TenantDb.for(this.db, tenantId);
    const [objRows, fieldRows] = await Promise.all([
      tdb.query(
        sql<ObjectRow>`select api_name, label, plural_label from object_def where tenant_id = ${tenantId} order by created_at`,
      ),
      tdb.query(
        sql<FieldRow>`select object, api_name, type, label, required, is_unique, default_value, options, lookup, validation
          from field_def where tenant_id = ${tenantId} order by position, created_at`,
      ),
    ]);
    const objects = new Map<string, ObjectDef>();
    for (const o of this.standard.values()) objects.set(o.apiName, { ...o, fields: [...o.fields] });
    for (const r of objRows) {
      objects.set(r.api_name, {
        apiName: r.api_name,
        label: r.label,
        pluralLabel: r.plural_label ?? r.label,
        isCustom: true,
        module: 'custom',
        table: 'custom_record',
        nameField: 'name',
        searchFields: ['name'],
        fields: [
          ...systemFields(),
          {
            apiName: 'name',
            type: 'text',
            label: { 'zh-CN': '名称', 'en-US': 'Name' },
            required: true,
            unique: false,
            isCustom: false,
            column: 'name',
          },
        ],
      });
    }
    for (const r of fieldRows) {
      const obj = objects.get(r.object);
      if (!obj) continue;
      const f: FieldDef = {
        apiName: r.api_name,
        type: r.type,
        label: r.label,
        required: r.required,
        unique: r.is_unique,
        isCustom: true,
        ...(r.default_value !== null && r.default_value !== undefined
          ? { defaultValue: r.default_value }
          : {}),
        ...(r.options ? { options: r.options } : {}),
        ...(r.lookup ? { lookup: r.lookup } : {}),
        ...(r.validation ?? {}),
      };
      obj.fields.push(f);
    }
    for (const [name, obj] of objects)
      if (obj.tenantOverlay) objects.set(name, await obj.tenantOverlay(tdb, obj));
    this.cache.set(tenantId, { at: Date.now(), objects });
    return objects;
  }

  async get(tenantId: string, apiName: string): Promise<ObjectDef> {
    const obj = (await this.objects(tenantId)).get(apiName);
    if (!obj) throw new AppError('not_found', 'object_not_found');
    return obj;
  }
}

export function fieldOf(obj: ObjectDef, apiName: string): FieldDef | undefined {
  return obj.fields.find((f) => f.apiName === apiName);
}
