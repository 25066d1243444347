import type { Labels } from '../i18n/i18n.ts';

export const FIELD_TYPES = [
  'text',
  'long_text',
  'number',
  'currency',
  'percent',
  'date',
  'datetime',
  'boolean',
  'select',
  'multi_select',
  'lookup',
  'user',
  'email',
  'phone',
  'url',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface SelectOption {
  value: string;
  label: Labels;
  /** Optional colour hint for tags and kanban columns. */
  color?: string;
}

export interface FieldDef {
  apiName: string;
  type: FieldType;
  label: Labels;
  required: boolean;
  unique: boolean;
  defaultValue?: unknown;
  options?: SelectOption[];
  /** Target object of a lookup field. */
  lookup?: string;
  maxLength?: number;
  min?: number;
  max?: number;
  /** Managed by the engine (id, timestamps, version): never written by clients. */
  system?: boolean;
  /** Written only by domain logic (e.g. a computed grade). */
  readOnly?: boolean;
  /** false for helper fields (normalised names …) that list views should not show by default */
  listDefault?: boolean;
  isCustom: boolean;
  /** Storage column of a standard field; custom fields live in the `custom` jsonb column. */
  column?: string;
}

export interface ObjectDef {
  apiName: string;
  label: Labels;
  pluralLabel: Labels;
  isCustom: boolean;
  /** Owning module (or 'custom'). */
  module: string;
  table: string;
  /** Field shown as the record's title. */
  nameField: string;
  /** Fields searched by the global search box. */
  searchFields: string[];
  fields: FieldDef[];
  hooks?: ObjectHooks;
  /** Records a role may read beyond its record scope (over alias `t`); never used for writes. */
  extraReadScope?: (actor: import('../access/permissions.ts').Actor) => import('kysely').RawBuilder<boolean>;
  /**
   * Records a role may update beyond its record scope (over alias `t`), e.g. account team members
   * with edit access. Only widens updates (never deletes); object and field permissions still apply.
   */
  extraWriteScope?: (actor: import('../access/permissions.ts').Actor) => import('kysely').RawBuilder<boolean>;
  /** New records belong to their creator unless the input names an owner (default true). */
  ownerDefaultsToCreator?: boolean;
  /**
   * Catalog data every role reads in full (products, price lists): default roles other than the
   * administrator get read access to all records and no writes.
   */
  referenceData?: boolean;
  /**
   * Import rows about something that already exists may be merged by the module instead of
   * created (a repeat lead becomes a new touch). Called per chunk before creating, inside the
   * chunk's transaction; rows it neither merged nor deferred are created as usual.
   */
  importMerge?: (ctx: ImportMergeContext, rows: Rec[]) => Promise<ImportMergeResult>;
  /**
   * Per-tenant refinements of a standard object that live in the module's own settings tables
   * (e.g. select options that are a tenant's pipeline stages). Runs when the registry loads a
   * tenant's metadata, after custom fields are merged; the module invalidates the registry when
   * those settings change.
   */
  tenantOverlay?: (tdb: import('../db/tenant-db.ts').TenantDb, obj: ObjectDef) => Promise<ObjectDef>;
}

export interface ImportMergeContext {
  actor: import('../access/permissions.ts').Actor;
  tx: import('../db/tenant-db.ts').TenantDb;
  records: import('../records/records.service.ts').RecordsService;
}

export interface ImportMergeResult {
  /** indexes of rows merged into existing records */
  merged: number[];
  /** indexes of rows repeating an earlier row of the same batch: offered again once it exists */
  deferred: number[];
  /** rows whose merge was refused, with the field problems */
  failed: Map<number, import('../http/errors.ts').FieldIssue[]>;
}

/** A record as the API sees it: field api names to values. */
export type Rec = Record<string, unknown>;

export interface HookContext {
  tenantId: string;
  userId: string | null;
  /** who is writing: hooks that check the writer's access to related records need the role */
  actor: import('../access/permissions.ts').Actor;
  /** the tenant's time zone: business dates ("today") are computed in it */
  timeZone: string;
  tx: import('../db/tenant-db.ts').TenantDb;
  /**
   * The write is done by the system (a job, workflow or module acting for nobody: no user, no API
   * key, role key `system`), not by a person: hooks may let it bypass rules meant for people
   * (stage gating) — and should audit that they did.
   */
  isSystem: boolean;
  emit(type: string, payload: Rec): Promise<void>;
}

/** Domain behaviour attached to the generic engine (rule 2 of DESIGN.md). */
export interface ObjectHooks {
  /** May adjust `after` or throw an AppError; runs inside the write transaction. */
  beforeWrite?(
    hc: HookContext,
    change: { op: 'create' | 'update'; before?: Rec; after: Rec },
  ): Promise<void> | void;
  afterWrite?(
    hc: HookContext,
    change: { op: 'create' | 'update' | 'delete' | 'restore'; before?: Rec; after: Rec },
  ): Promise<void> | void;
  /** Replaces afterWrite for creates: sees a whole batch (bulk, import) at once. */
  afterCreateMany?(hc: HookContext, created: Rec[]): Promise<void> | void;
}

/** Declares a standard object: adds the system fields every object has. */
export function defineObject(
  def: Omit<ObjectDef, 'isCustom' | 'fields' | 'searchFields'> & {
    fields: Array<
      Omit<FieldDef, 'isCustom' | 'required' | 'unique'> & { required?: boolean; unique?: boolean }
    >;
    searchFields?: string[];
  },
): ObjectDef {
  const own = def.fields.map((f) => ({
    required: false,
    unique: false,
    ...f,
    isCustom: false,
    column: f.column ?? f.apiName,
  }));
  return {
    ...def,
    isCustom: false,
    searchFields: def.searchFields ?? [def.nameField],
    fields: [...systemFields(), ...own],
  };
}

const L = (zh: string, en: string): Labels => ({ 'zh-CN': zh, 'en-US': en });

export function systemFields(): FieldDef[] {
  const sys = (apiName: string, type: FieldType, label: Labels, extra: Partial<FieldDef> = {}): FieldDef => ({
    apiName,
    type,
    label,
    required: false,
    unique: false,
    isCustom: false,
    column: apiName,
    system: true,
    ...extra,
  });
  return [
    sys('id', 'text', L('ID', 'ID')),
    // owner_id is the one system field clients may set (reassignment).
    sys('owner_id', 'user', L('负责人', 'Owner'), { system: false }),
    sys('created_at', 'datetime', L('创建时间', 'Created at')),
    sys('created_by', 'user', L('创建人', 'Created by')),
    sys('updated_at', 'datetime', L('更新时间', 'Updated at')),
    sys('updated_by', 'user', L('最后修改人', 'Updated by')),
    sys('version', 'number', L('版本', 'Version')),
  ];
}
