import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/pool.ts';
import { TenantDb } from '../db/tenant-db.ts';
import { lockInTenant } from '../db/locks.ts';
import { newId, isUuid } from '../db/ids.ts';
import { isPgError, PG_FK_VIOLATION, PG_NOT_NULL_VIOLATION, PG_UNIQUE_VIOLATION } from '../db/pg-errors.ts';
import { can, fieldAccess, objectPermission, type Actor } from '../access/permissions.ts';
import { scopePredicate } from '../access/scope.sql.ts';
import { AppError, forbidden, invalid, notFound, type FieldIssue } from '../http/errors.ts';
import { fieldOf, type MetadataRegistry } from '../metadata/registry.ts';
import type { FieldDef, HookContext, ObjectDef, Rec } from '../metadata/types.ts';
import { coerceValue } from '../metadata/values.rules.ts';
import { writeAudit, type AuditEntry } from '../audit/audit.ts';
import { emitEvents, type DomainEvent } from '../events/outbox.ts';
import { assertNotInApproval } from '../approvals/lock.ts';
import { compileFilter } from './filter.sql.ts';
import { listSegments, orderItem, type KeyPart } from './keyset.sql.ts';
import { decodeCursor, encodeCursor, escapeLike, QuerySyntaxError, type ListQuery } from './query.rules.ts';
import { columnValues, cursorValue, fieldExpr, rowToRecord, sameValue } from './storage.ts';

export interface ListResult {
  data: Rec[];
  next_cursor: string | null;
  total?: number;
}

export const MAX_BULK = 1000;

export interface AggregateGroup {
  value: unknown;
  count: number;
  /** number fields: a number; currency fields: one { amount, currency } per currency */
  sums: Record<string, number | Array<{ amount: number; currency: string }>>;
}

const GROUPABLE = new Set(['select', 'boolean', 'user', 'lookup', 'text', 'date', 'email', 'phone']);

/** System columns declared NOT NULL on every record table. */
const NOT_NULL_SYSTEM = new Set(['id', 'created_at', 'updated_at', 'version']);

type Row = Record<string, unknown>;

interface WriteOptions {
  /** Domain services (not HTTP clients) may set fields marked readOnly (status, score …). */
  allowReadOnly?: boolean;
  /** Prefix for error field names in batches: `records[3].name`. */
  batch?: boolean;
  /** fromText: values come from CSV/XLSX cells. */
  fromText?: boolean;
}

/**
 * The generic records engine: list/get/create/update/delete/restore for every object,
 * standard or custom, with permissions, field security, audit and outbox in one place.
 */
export class RecordsService {
  constructor(
    private readonly db: Db,
    readonly registry: MetadataRegistry,
  ) {}

  tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.db, actor.tenantId);
  }

  async object(actor: Actor, apiName: string): Promise<ObjectDef> {
    return this.registry.get(actor.tenantId, apiName);
  }

  /** Fields this actor may see on this object. */
  visibleFields(actor: Actor, obj: ObjectDef): FieldDef[] {
    return obj.fields.filter((f) => fieldAccess(actor, obj.apiName, f.apiName) !== 'hidden');
  }

  private base(
    obj: ObjectDef,
    actor: Actor,
    deleted: 'exclude' | 'only' | 'any' = 'exclude',
    forWrite: false | 'update' | 'delete' = false,
  ): RawBuilder<boolean> {
    const parts: RawBuilder<boolean>[] = [sql<boolean>`t.tenant_id = ${actor.tenantId}`];
    if (obj.isCustom) parts.push(sql<boolean>`t.object = ${obj.apiName}`);
    if (deleted === 'exclude') parts.push(sql<boolean>`t.deleted_at is null`);
    if (deleted === 'only') parts.push(sql<boolean>`t.deleted_at is not null`);
    // 'all' needs no predicate (keeps the statement as small as a hand-written one).
    if (objectPermission(actor, obj.apiName).scope !== 'all') {
      // a module may widen what a role sees (e.g. pool members see the pool's unassigned leads),
      // and separately what it may update (e.g. account team members with edit access)
      const extra =
        forWrite === false
          ? obj.extraReadScope?.(actor)
          : forWrite === 'update'
            ? obj.extraWriteScope?.(actor)
            : undefined;
      const scope = scopePredicate(actor, obj.apiName);
      parts.push(extra ? sql<boolean>`(${scope} or ${extra})` : scope);
    }
    return sql<boolean>`${sql.join(parts, sql` and `)}`;
  }

  /** Removes hidden fields and applies `fields=` selection. */
  private present(
    actor: Actor,
    obj: ObjectDef,
    rec: Rec,
    fields?: string[],
    visible = this.visibleFields(actor, obj),
  ): Rec {
    const out: Rec = {};
    for (const f of visible) {
      if (fields && f.apiName !== 'id' && !fields.includes(f.apiName)) continue;
      out[f.apiName] = rec[f.apiName];
    }
    if (rec.deleted_at !== undefined) out.deleted_at = rec.deleted_at;
    if (rec._expand !== undefined) out._expand = rec._expand;
    return out;
  }

  private checkFieldList(actor: Actor, obj: ObjectDef, names: string[] | undefined, param: string): void {
    if (!names) return;
    const issues: FieldIssue[] = [];
    for (const n of names) {
      const f = fieldOf(obj, n);
      if (!f || fieldAccess(actor, obj.apiName, n) === 'hidden')
        issues.push({ field: `${param}.${n}`, issue: 'unknown_field' });
    }
    if (issues.length) throw new AppError('bad_request', 'bad_request', issues);
  }

  async list(actor: Actor, object: string, q: ListQuery): Promise<ListResult> {
    const obj = await this.object(actor, object);
    if (!can(actor, object, 'read')) throw forbidden();
    this.checkFieldList(actor, obj, q.fields, 'fields');
    const where: RawBuilder<boolean>[] = [this.base(obj, actor, q.deleted)];
    if (q.filter.length) where.push(compileFilter(obj, actor, q.filter));
    if (q.q) where.push(this.searchPredicate(obj, actor, q.q));

    // Sort keys, then id as the unique tie-breaker.
    const keys: KeyPart[] = [];
    const sortFields: FieldDef[] = [];
    // The same keys over the outer query's alias `s` (see below).
    const outerKeys: KeyPart[] = [];
    for (const s of q.sort) {
      const f = fieldOf(obj, s.field);
      if (!f || fieldAccess(actor, object, s.field) === 'hidden')
        throw new AppError('bad_request', 'bad_request', [
          { field: `sort.${s.field}`, issue: 'unknown_field' },
        ]);
      if (f.type === 'multi_select' || f.type === 'long_text' || f.apiName === 'id')
        throw new AppError('bad_request', 'bad_request', [
          { field: `sort.${s.field}`, issue: 'not_sortable' },
        ]);
      // created_by/updated_by are null for writes by user-less API keys
      const notNull = NOT_NULL_SYSTEM.has(f.apiName) || (f.required && !f.isCustom);
      keys.push({ expr: fieldExpr(f), desc: s.desc, notNull });
      outerKeys.push({ expr: fieldExpr(f, 's'), desc: s.desc, notNull });
      sortFields.push(f);
    }
    const lastDesc = q.sort.length ? (q.sort[q.sort.length - 1]?.desc ?? true) : true;
    keys.push({ expr: sql.ref('t.id'), desc: lastDesc, notNull: true });
    outerKeys.push({ expr: sql.ref('s.id'), desc: lastDesc, notNull: true });
    const sortSpec = q.sort.map((s) => `${s.desc ? '-' : ''}${s.field}`).join(',');

    const countWhere = sql.join(where, sql` and `);
    let values: unknown[] | undefined;
    if (q.cursor) {
      try {
        values = decodeCursor(q.cursor, sortSpec, keys.length);
      } catch (e) {
        if (e instanceof QuerySyntaxError)
          throw new AppError('bad_request', 'bad_request', [{ field: 'cursor', issue: 'invalid_cursor' }]);
        throw e;
      }
      if (!isUuid(values[values.length - 1]))
        throw new AppError('bad_request', 'bad_request', [{ field: 'cursor', issue: 'invalid_cursor' }]);
    }
    const segments = listSegments(keys, outerKeys, values);
    const tdb = this.tdb(actor);
    // Timestamp columns keep microseconds that a JS Date drops: their cursor values come from
    // PostgreSQL as text — computed in an outer query over the page only, not for every row
    // the sort looks at. Every other key is exact in JS.
    const needsDbText = sortFields.some((f) => f.type === 'datetime' && !f.isCustom);
    const keyCols = needsDbText
      ? sql.join(outerKeys.map((k, i) => sql`(${k.expr})::text as ${sql.ref(`__k${i}`)}`))
      : undefined;
    const rows: Row[] = [];
    // Segments run in list order, each only while the page is not full (usually just the first).
    for (const seg of segments) {
      const want = q.limit + 1 - rows.length;
      if (want <= 0) break;
      const order = sql.join(seg.keys.map(orderItem));
      const base = sql`select t.* from ${sql.table(obj.table)} t where ${sql.join([...where, ...seg.where], sql` and `)} order by ${order} limit ${want}`;
      rows.push(
        ...(keyCols
          ? await tdb.query(
              sql<Row>`select s.*, ${keyCols} from (${base}) s order by ${sql.join(seg.outerKeys.map(orderItem))}`,
            )
          : await tdb.query(sql<Row>`${base}`)),
      );
    }
    const cursorOf = needsDbText
      ? (row: Row): unknown[] => keys.map((_, i) => row[`__k${i}`] ?? null)
      : (row: Row): unknown[] => [...sortFields.map((f) => cursorValue(f, row)), row.id];
    const hasMore = rows.length > q.limit;
    const page = hasMore ? rows.slice(0, q.limit) : rows;
    const last = page[page.length - 1];
    const nextCursor = hasMore && last ? encodeCursor({ sort: sortSpec, values: cursorOf(last) }) : null;
    // Expand on whole records, so a lookup left out of `fields=` can still be expanded.
    const full = page.map((r) => this.toRec(obj, r, q.deleted === 'only'));
    if (q.expand.length) await this.expand(actor, obj, full, q.expand);
    const visible = this.visibleFields(actor, obj);
    const data = full.map((r) => this.present(actor, obj, r, q.fields, visible));
    const result: ListResult = { data, next_cursor: nextCursor };
    if (q.count) {
      const c = await tdb.one(
        sql<{ n: number }>`select count(*)::int8 as n from ${sql.table(obj.table)} t where ${countWhere}`,
      );
      result.total = c?.n ?? 0;
    }
    return result;
  }

  /**
   * Group counts and sums (kanban column totals, dashboard tiles) over the same filter grammar,
   * scope and field security as lists. Money sums stay integer minor units, one row per currency.
   */
  async aggregate(
    actor: Actor,
    object: string,
    q: { groupBy: string; sum: string[]; filter: ListQuery['filter']; q?: string | undefined },
  ): Promise<AggregateGroup[]> {
    const obj = await this.object(actor, object);
    if (!can(actor, object, 'read')) throw forbidden();
    const bad = (field: string, issue: FieldIssue['issue']): AppError =>
      new AppError('bad_request', 'bad_request', [{ field, issue }]);
    const g = fieldOf(obj, q.groupBy);
    if (!g || fieldAccess(actor, object, g.apiName) === 'hidden') throw bad('group_by', 'unknown_field');
    if (!GROUPABLE.has(g.type) || g.apiName === 'id') throw bad('group_by', 'invalid_value');
    const sums = q.sum.map((name) => {
      const f = fieldOf(obj, name);
      if (!f || fieldAccess(actor, object, name) === 'hidden') throw bad(`sum.${name}`, 'unknown_field');
      if (f.type !== 'number' && f.type !== 'currency' && f.type !== 'percent')
        throw bad(`sum.${name}`, 'invalid_value');
      return f;
    });
    if (sums.filter((f) => f.type === 'currency').length > 1) throw bad('sum', 'invalid_value');
    const where: RawBuilder<boolean>[] = [this.base(obj, actor)];
    if (q.filter.length) where.push(compileFilter(obj, actor, q.filter));
    if (q.q) where.push(this.searchPredicate(obj, actor, q.q));
    const money = sums.find((f) => f.type === 'currency');
    const currencyExpr = money
      ? money.isCustom
        ? sql`(t.custom->${sql.lit(money.apiName)}->>'currency')`
        : sql.ref(`t.${money.column ?? money.apiName}_currency`)
      : sql`null::text`;
    const sumCols = sums.map((f, i) => sql`sum(${fieldExpr(f)}) as ${sql.ref(`s${i}`)}`);
    const rows = await this.tdb(actor).query(
      sql<Row>`select ${fieldExpr(g)} as g, ${currencyExpr} as c, count(*)::int8 as n ${sumCols.length ? sql`, ${sql.join(sumCols)}` : sql``}
        from ${sql.table(obj.table)} t where ${sql.join(where, sql` and `)} group by 1, 2 order by 1 nulls last, 2`,
    );
    const groups = new Map<string, AggregateGroup>();
    for (const r of rows) {
      const key = JSON.stringify(r.g ?? null);
      const grp = groups.get(key) ?? { value: r.g ?? null, count: 0, sums: {} };
      grp.count += Number(r.n);
      sums.forEach((f, i) => {
        const v = r[`s${i}`] === null || r[`s${i}`] === undefined ? 0 : Number(r[`s${i}`]);
        if (f.type === 'currency') {
          const list = (grp.sums[f.apiName] ??= []) as Array<{ amount: number; currency: string }>;
          if (r.c !== null) list.push({ amount: v, currency: String(r.c) });
        } else grp.sums[f.apiName] = ((grp.sums[f.apiName] as number | undefined) ?? 0) + v;
      });
      groups.set(key, grp);
    }
    return [...groups.values()];
  }

  private toRec(obj: ObjectDef, row: Row, withDeleted: boolean): Rec {
    const rec = rowToRecord(obj, row);
    if (withDeleted)
      rec.deleted_at = row.deleted_at instanceof Date ? row.deleted_at.toISOString() : row.deleted_at;
    return rec;
  }

  private searchPredicate(obj: ObjectDef, actor: Actor, text: string): RawBuilder<boolean> {
    const pattern = `%${escapeLike(text.trim())}%`;
    const parts = obj.searchFields
      .map((n) => fieldOf(obj, n))
      .filter(
        (f): f is FieldDef => f !== undefined && fieldAccess(actor, obj.apiName, f.apiName) !== 'hidden',
      )
      .map((f) => sql<boolean>`${fieldExpr(f)} ilike ${pattern}`);
    return parts.length ? sql<boolean>`(${sql.join(parts, sql` or `)})` : sql<boolean>`false`;
  }

  /** One level of lookup expansion into `_expand`, showing only what the reader may see. */
  private async expand(actor: Actor, obj: ObjectDef, data: Rec[], names: string[]): Promise<void> {
    const tdb = this.tdb(actor);
    for (const name of names) {
      const f = fieldOf(obj, name);
      if (
        !f ||
        fieldAccess(actor, obj.apiName, name) === 'hidden' ||
        (f.type !== 'lookup' && f.type !== 'user')
      )
        throw new AppError('bad_request', 'bad_request', [
          { field: `expand.${name}`, issue: 'unknown_field' },
        ]);
      const ids = [...new Set(data.map((r) => r[name]).filter((v): v is string => typeof v === 'string'))];
      const found = new Map<string, Rec>();
      if (ids.length && f.type === 'user') {
        const users = await tdb.query(
          sql<{
            id: string;
            name: string;
            email: string;
          }>`select id, name, email from app_user where tenant_id = ${actor.tenantId} and id = any(${ids}::uuid[])`,
        );
        for (const u of users) found.set(u.id, { id: u.id, name: u.name, email: u.email });
      } else if (ids.length && f.lookup) {
        const target = await this.object(actor, f.lookup);
        if (can(actor, target.apiName, 'read')) {
          const nameField = fieldOf(target, target.nameField);
          const showName = nameField && fieldAccess(actor, target.apiName, nameField.apiName) !== 'hidden';
          const rows = await tdb.query(
            sql<Row>`select t.* from ${sql.table(target.table)} t where ${this.base(target, actor)} and t.id = any(${ids}::uuid[])`,
          );
          for (const r of rows) {
            const rec = rowToRecord(target, r);
            found.set(String(r.id), { id: r.id, name: showName ? rec[target.nameField] : null });
          }
        }
      }
      for (const r of data) {
        const id = r[name];
        const exp = (r._expand ??= {}) as Rec;
        exp[name] = typeof id === 'string' ? (found.get(id) ?? { id }) : null;
      }
    }
  }

  async get(
    actor: Actor,
    object: string,
    id: string,
    opts: { fields?: string[]; expand?: string[] } = {},
  ): Promise<Rec> {
    const obj = await this.object(actor, object);
    if (!can(actor, object, 'read')) throw forbidden();
    this.checkFieldList(actor, obj, opts.fields, 'fields');
    if (!isUuid(id)) throw notFound();
    const row = await this.tdb(actor).one(
      sql<Row>`select t.* from ${sql.table(obj.table)} t where ${this.base(obj, actor)} and t.id = ${id}`,
    );
    if (!row) throw notFound();
    const full = rowToRecord(obj, row);
    if (opts.expand?.length) await this.expand(actor, obj, [full], opts.expand);
    return this.present(actor, obj, full, opts.fields);
  }

  /** Validates client input for a write; returns typed values keyed by field. */
  private validateInput(
    actor: Actor,
    obj: ObjectDef,
    input: unknown,
    op: 'create' | 'update',
    prefix: string,
    opts: WriteOptions,
  ): { values: Map<string, unknown>; issues: FieldIssue[]; version?: number } {
    const issues: FieldIssue[] = [];
    const values = new Map<string, unknown>();
    let version: number | undefined;
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return {
        values,
        issues: [{ field: prefix || 'body', issue: 'expected_type', params: { type: 'object' } }],
      };
    }
    for (const [key, raw] of Object.entries(input as Record<string, unknown>)) {
      const name = `${prefix}${key}`;
      if (op === 'update' && key === 'version') {
        if (typeof raw !== 'number' || !Number.isInteger(raw))
          issues.push({ field: name, issue: 'expected_type', params: { type: 'integer' } });
        else version = raw;
        continue;
      }
      if (op === 'update' && key === 'id') continue;
      const f = fieldOf(obj, key);
      const access = f ? fieldAccess(actor, obj.apiName, key) : 'hidden';
      if (!f || access === 'hidden') {
        issues.push({ field: name, issue: 'unknown_field' });
        continue;
      }
      if (f.system || (f.readOnly && !opts.allowReadOnly) || access === 'read') {
        issues.push({ field: name, issue: 'read_only' });
        continue;
      }
      const c = coerceValue(f, raw, opts.fromText, actor.currency);
      if (!c.ok) issues.push({ field: name, ...c.issue });
      else values.set(key, c.value);
    }
    return version === undefined ? { values, issues } : { values, issues, version };
  }

  /** Checks lookups point at live records of the tenant, and unique fields are unique. */
  private async checkReferencesAndUniques(
    tx: TenantDb,
    obj: ObjectDef,
    records: Array<{ rec: Rec; prefix: string; id: string; touched: Set<string> }>,
    issues: FieldIssue[],
  ): Promise<void> {
    for (const f of obj.fields) {
      if (f.type !== 'lookup' && f.type !== 'user') continue;
      const ids = [
        ...new Set(
          records
            .filter((r) => r.touched.has(f.apiName))
            .map((r) => r.rec[f.apiName])
            .filter((v): v is string => typeof v === 'string'),
        ),
      ];
      if (!ids.length) continue;
      let existing: Set<string>;
      if (f.type === 'user') {
        const rows = await tx.query(
          sql<{
            id: string;
          }>`select id from app_user where tenant_id = ${tx.tenantId} and id = any(${ids}::uuid[])`,
        );
        existing = new Set(rows.map((r) => r.id));
      } else {
        const target = await this.registry.get(tx.tenantId, f.lookup ?? '');
        const rows = await tx.query(
          sql<{
            id: string;
          }>`select id from ${sql.table(target.table)} where tenant_id = ${tx.tenantId} and id = any(${ids}::uuid[]) and deleted_at is null ${
            target.isCustom ? sql`and object = ${target.apiName}` : sql``
          }`,
        );
        existing = new Set(rows.map((r) => r.id));
      }
      for (const r of records) {
        const v = r.rec[f.apiName];
        if (r.touched.has(f.apiName) && typeof v === 'string' && !existing.has(v))
          issues.push({ field: `${r.prefix}${f.apiName}`, issue: 'invalid_reference' });
      }
    }
    for (const f of obj.fields) {
      if (!f.unique) continue;
      const keyOf = (v: unknown): string => (typeof v === 'string' ? v.toLowerCase() : JSON.stringify(v));
      const seen = new Map<string, number>();
      const candidates = records.filter(
        (r) => r.touched.has(f.apiName) && r.rec[f.apiName] !== null && r.rec[f.apiName] !== undefined,
      );
      for (const r of candidates) {
        const k = keyOf(r.rec[f.apiName]);
        if (seen.has(k)) issues.push({ field: `${r.prefix}${f.apiName}`, issue: 'not_unique' });
        seen.set(k, 1);
      }
      if (!candidates.length) continue;
      if (f.isCustom) {
        // No per-field unique index on jsonb: serialise writers of this field, then check.
        await lockInTenant(tx, `${obj.apiName}:${f.apiName}`);
      }
      const vals = candidates.map((r) => String(r.rec[f.apiName]));
      const ids = candidates.map((r) => r.id);
      const rows = await tx.query(
        sql<{
          v: string;
        }>`select ${fieldExpr(f)}::text as v from ${sql.table(obj.table)} t where t.tenant_id = ${tx.tenantId} and t.deleted_at is null ${
          obj.isCustom ? sql`and t.object = ${obj.apiName}` : sql``
        } and lower(${fieldExpr(f)}::text) = any(${vals.map((v) => v.toLowerCase())}::text[]) and not (t.id = any(${ids}::uuid[]))`,
      );
      const taken = new Set(rows.map((r) => r.v.toLowerCase()));
      for (const r of candidates)
        if (taken.has(String(r.rec[f.apiName]).toLowerCase()))
          issues.push({ field: `${r.prefix}${f.apiName}`, issue: 'not_unique' });
    }
  }

  private hookContext(actor: Actor, tx: TenantDb, events: DomainEvent[]): HookContext {
    return {
      tenantId: actor.tenantId,
      userId: actor.userId,
      actor,
      timeZone: actor.timeZone,
      tx,
      isSystem: actor.userId === null && actor.apiKeyId === null && actor.roleKey === 'system',
      emit: async (type, payload) => {
        events.push({ type, payload, ...(typeof payload.id === 'string' ? { recordId: payload.id } : {}) });
      },
    };
  }

  async create(actor: Actor, object: string, input: unknown): Promise<Rec> {
    const [rec] = await this.createMany(actor, object, [input]);
    return rec as Rec;
  }

  /** All-or-nothing creation of up to MAX_BULK records (one transaction, batched inserts). */
  async createMany(
    actor: Actor,
    object: string,
    inputs: unknown[],
    opts: WriteOptions = {},
    outerTx?: TenantDb,
  ): Promise<Rec[]> {
    const obj = await this.object(actor, object);
    if (!can(actor, object, 'create')) throw forbidden();
    const batch = opts.batch ?? inputs.length > 1;
    const issues: FieldIssue[] = [];
    const prepared = inputs.map((input, i) => {
      const prefix = batch ? `records[${i}].` : '';
      const v = this.validateInput(actor, obj, input, 'create', prefix, opts);
      issues.push(...v.issues);
      const rec: Rec = {};
      for (const f of obj.fields) {
        if (f.system) continue;
        if (v.values.has(f.apiName)) rec[f.apiName] = v.values.get(f.apiName);
        else if (f.defaultValue !== undefined) rec[f.apiName] = f.defaultValue;
        else rec[f.apiName] = null;
      }
      if (!v.values.has('owner_id'))
        rec.owner_id = obj.ownerDefaultsToCreator === false ? null : actor.userId;
      return { rec, prefix, id: newId(), touched: new Set(Object.keys(rec).filter((k) => rec[k] !== null)) };
    });
    const run = async (tx: TenantDb): Promise<Rec[]> => {
      const events: DomainEvent[] = [];
      const hc = this.hookContext(actor, tx, events);
      // hooks see the id the record will get (for their own bookkeeping; the row does not exist yet)
      if (obj.hooks?.beforeWrite)
        for (const p of prepared)
          try {
            await obj.hooks.beforeWrite(hc, { op: 'create', after: Object.assign(p.rec, { id: p.id }) });
          } catch (e) {
            // in a batch a hook's field problems belong to their row, like the engine's own
            if (!p.prefix || !(e instanceof AppError) || !e.details.length) throw e;
            issues.push(...e.details.map((d) => ({ ...d, field: `${p.prefix}${d.field}` })));
          }
      for (const p of prepared)
        for (const f of obj.fields)
          if (f.required && !f.system && (p.rec[f.apiName] === null || p.rec[f.apiName] === undefined))
            issues.push({ field: `${p.prefix}${f.apiName}`, issue: 'required' });
      await this.checkReferencesAndUniques(tx, obj, prepared, issues);
      if (issues.length) throw invalid(dedupe(issues));

      const created = await this.insertRows(tx, actor, obj, prepared);
      const audits: AuditEntry[] = created.map((rec) => ({
        action: 'create',
        object,
        recordId: String(rec.id),
        changes: Object.fromEntries(
          obj.fields
            .filter((f) => !f.system && rec[f.apiName] !== null)
            .map((f) => [f.apiName, [null, rec[f.apiName]]]),
        ),
      }));
      await writeAudit(tx, actor, audits);
      for (const rec of created) {
        events.push({
          type: `${object}.created`,
          object,
          recordId: String(rec.id),
          payload: { object, id: rec.id, record: rec },
        });
        if (obj.hooks?.afterWrite && !obj.hooks.afterCreateMany)
          await obj.hooks.afterWrite(hc, { op: 'create', after: rec });
      }
      // a batch-aware hook writes its own rows in one statement instead of one per record
      if (obj.hooks?.afterCreateMany) await obj.hooks.afterCreateMany(hc, created);
      await emitEvents(tx, actor.userId, events);
      return created;
    };
    const created = await this.translate(obj, () =>
      outerTx ? outerTx.transaction(run) : this.tdb(actor).transaction(run),
    );
    return created.map((r) => this.present(actor, obj, r));
  }

  private async insertRows(
    tx: TenantDb,
    actor: Actor,
    obj: ObjectDef,
    prepared: Array<{ rec: Rec; id: string }>,
  ): Promise<Rec[]> {
    const standard = obj.fields.filter((f) => !f.isCustom && !f.system && f.apiName !== 'owner_id');
    const custom = obj.fields.filter((f) => f.isCustom);
    const cols = ['tenant_id', 'id', 'owner_id', 'created_by', 'updated_by', 'custom'];
    if (obj.isCustom) cols.push('object');
    for (const f of standard) for (const [c] of columnValues(f, null)) cols.push(c);
    const objects = prepared.map(({ rec, id }) => {
      const customVals: Record<string, unknown> = {};
      for (const f of custom)
        if (rec[f.apiName] !== null && rec[f.apiName] !== undefined) customVals[f.apiName] = rec[f.apiName];
      const row: Record<string, unknown> = {
        tenant_id: tx.tenantId,
        id,
        owner_id: rec.owner_id ?? null,
        created_by: actor.userId,
        updated_by: actor.userId,
        custom: customVals,
      };
      if (obj.isCustom) row.object = obj.apiName;
      for (const f of standard) for (const [c, v] of columnValues(f, rec[f.apiName])) row[c] = v;
      return row;
    });
    const out: Rec[] = [];
    const colList = sql.join(cols.map((c) => sql.id(c)));
    // The whole batch travels as one jsonb parameter, typed by the table's own row type: no
    // per-value bind parameters to build, send and parse.
    // Only what the database decides comes back; the rest of each record is what was validated
    // and written (parsing 1,000 whole rows again costs more than the insert's own round trip).
    for (let i = 0; i < objects.length; i += 1000) {
      const rows = await tx.query(
        sql<{
          id: string;
          created_at: Date;
          updated_at: Date;
          version: number;
        }>`insert into ${sql.table(obj.table)} (${colList}) select ${colList} from jsonb_populate_recordset(null::${sql.table(obj.table)}, ${JSON.stringify(objects.slice(i, i + 1000))}::jsonb) returning id, created_at, updated_at, version`,
      );
      const returned = new Map(rows.map((r) => [r.id, r]));
      for (const p of prepared.slice(i, i + 1000)) {
        const r = returned.get(p.id);
        if (!r) throw new Error(`insert did not return ${p.id}`);
        const rec: Rec = {};
        for (const f of obj.fields) rec[f.apiName] = p.rec[f.apiName] ?? null;
        rec.id = r.id;
        rec.created_at = r.created_at.toISOString();
        rec.updated_at = r.updated_at.toISOString();
        rec.created_by = actor.userId;
        rec.updated_by = actor.userId;
        rec.version = r.version;
        out.push(rec);
      }
    }
    return out;
  }

  async update(
    actor: Actor,
    object: string,
    id: string,
    input: unknown,
    opts: {
      expectedVersion?: number | undefined;
      tx?: TenantDb | undefined;
      fromText?: boolean;
      allowReadOnly?: boolean;
      /** The module driving an approval may write a record while it is locked in approval. */
      ignoreApprovalLock?: boolean;
    } = {},
  ): Promise<Rec> {
    const obj = await this.object(actor, object);
    if (!can(actor, object, 'read')) throw forbidden();
    if (!isUuid(id)) throw notFound();
    const v = this.validateInput(actor, obj, input, 'update', '', {
      fromText: opts.fromText ?? false,
      allowReadOnly: opts.allowReadOnly ?? false,
    });
    const version = v.version ?? opts.expectedVersion;
    const outerTx = opts.tx;
    const run = async (tx: TenantDb): Promise<Rec> => {
      const row = await tx.one(
        sql<Row>`select t.* from ${sql.table(obj.table)} t where ${this.base(obj, actor, 'exclude', 'update')} and t.id = ${id} for update`,
      );
      if (!row) throw notFound();
      if (!can(actor, object, 'update')) throw forbidden();
      if (!opts.ignoreApprovalLock) await assertNotInApproval(tx, object, id);
      if (v.issues.length) throw invalid(v.issues);
      const before = rowToRecord(obj, row);
      if (version !== undefined && before.version !== version)
        throw new AppError('conflict', 'version_conflict');
      const after: Rec = { ...before };
      for (const [k, val] of v.values) after[k] = val;
      const events: DomainEvent[] = [];
      const hc = this.hookContext(actor, tx, events);
      if (obj.hooks?.beforeWrite) await obj.hooks.beforeWrite(hc, { op: 'update', before, after });
      const changed = obj.fields.filter((f) => !f.system && !sameValue(before[f.apiName], after[f.apiName]));
      if (!changed.length) return before;
      const issues: FieldIssue[] = [];
      for (const f of changed)
        if (f.required && (after[f.apiName] === null || after[f.apiName] === undefined))
          issues.push({ field: f.apiName, issue: 'required' });
      if (!issues.length)
        await this.checkReferencesAndUniques(
          tx,
          obj,
          [{ rec: after, prefix: '', id, touched: new Set(changed.map((f) => f.apiName)) }],
          issues,
        );
      if (issues.length) throw invalid(issues);

      const sets = [sql`version = t.version + 1`, sql`updated_at = now()`, sql`updated_by = ${actor.userId}`];
      const customSet: Record<string, unknown> = {};
      const customUnset: string[] = [];
      for (const f of changed) {
        if (f.isCustom) {
          const val = after[f.apiName];
          if (val === null || val === undefined) customUnset.push(f.apiName);
          else customSet[f.apiName] = val;
        } else
          for (const [c, val] of columnValues(f, after[f.apiName])) sets.push(sql`${sql.id(c)} = ${val}`);
      }
      if (Object.keys(customSet).length || customUnset.length)
        sets.push(sql`custom = (t.custom - ${customUnset}::text[]) || ${JSON.stringify(customSet)}::jsonb`);
      const updated = await tx.one(
        sql<Row>`update ${sql.table(obj.table)} t set ${sql.join(sets)} where t.tenant_id = ${tx.tenantId} and t.id = ${id} returning *`,
      );
      if (!updated) throw notFound();
      const rec = rowToRecord(obj, updated);
      const changes = Object.fromEntries(
        changed.map((f) => [f.apiName, [before[f.apiName], rec[f.apiName]]]),
      ) as Record<string, [unknown, unknown]>;
      await writeAudit(tx, actor, [{ action: 'update', object, recordId: id, changes }]);
      events.push({
        type: `${object}.updated`,
        object,
        recordId: id,
        payload: { object, id, changes: toChangeMap(changes), record: rec },
      });
      if (obj.hooks?.afterWrite) await obj.hooks.afterWrite(hc, { op: 'update', before, after: rec });
      await emitEvents(tx, actor.userId, events);
      return rec;
    };
    const rec = await this.translate(obj, () =>
      outerTx ? outerTx.transaction(run) : this.tdb(actor).transaction(run),
    );
    return this.present(actor, obj, rec);
  }

  async delete(actor: Actor, object: string, id: string, outerTx?: TenantDb): Promise<void> {
    await this.setDeleted(actor, object, id, true, outerTx);
  }

  async restore(actor: Actor, object: string, id: string): Promise<Rec> {
    return this.setDeleted(actor, object, id, false);
  }

  /** Soft delete into the recycle bin, or restore from it. */
  private async setDeleted(
    actor: Actor,
    object: string,
    id: string,
    del: boolean,
    outerTx?: TenantDb,
  ): Promise<Rec> {
    const obj = await this.object(actor, object);
    if (!can(actor, object, 'read')) throw forbidden();
    if (!isUuid(id)) throw notFound();
    const run = async (tx: TenantDb): Promise<Rec> => {
      const row = await tx.one(
        sql<Row>`select t.* from ${sql.table(obj.table)} t where ${this.base(obj, actor, del ? 'exclude' : 'only', 'delete')} and t.id = ${id} for update`,
      );
      if (!row) throw notFound();
      if (!can(actor, object, 'delete')) throw forbidden();
      if (del) await assertNotInApproval(tx, object, id);
      const rec = rowToRecord(obj, row);
      if (!del) {
        const issues: FieldIssue[] = [];
        await this.checkReferencesAndUniques(
          tx,
          obj,
          [
            {
              rec,
              prefix: '',
              id,
              touched: new Set(obj.fields.filter((f) => f.unique).map((f) => f.apiName)),
            },
          ],
          issues,
        );
        const dup = issues.find((i) => i.issue === 'not_unique');
        if (dup) throw new AppError('conflict', 'duplicate_value', [dup]);
      }
      await tx.exec0(
        sql`update ${sql.table(obj.table)} set deleted_at = ${del ? sql`now()` : sql`null`}, updated_at = now(), updated_by = ${actor.userId}, version = version + 1 where tenant_id = ${tx.tenantId} and id = ${id}`,
      );
      await writeAudit(tx, actor, [
        { action: del ? 'delete' : 'restore', object, recordId: id, changes: {} },
      ]);
      const events: DomainEvent[] = [
        {
          type: `${object}.${del ? 'deleted' : 'restored'}`,
          object,
          recordId: id,
          payload: { object, id, record: rec },
        },
      ];
      if (obj.hooks?.afterWrite)
        await obj.hooks.afterWrite(this.hookContext(actor, tx, events), {
          op: del ? 'delete' : 'restore',
          after: rec,
        });
      await emitEvents(tx, actor.userId, events);
      return { ...rec, version: Number(rec.version) + 1 };
    };
    const rec = await this.translate(obj, () =>
      outerTx ? outerTx.transaction(run) : this.tdb(actor).transaction(run),
    );
    return this.present(actor, obj, rec);
  }

  /** Bulk create / update / delete, all-or-nothing. */
  async bulk(
    actor: Actor,
    object: string,
    action: 'create' | 'update' | 'delete',
    records: unknown[],
  ): Promise<Rec[]> {
    if (records.length > MAX_BULK)
      throw invalid([{ field: 'records', issue: 'too_many', params: { max: MAX_BULK } }]);
    if (action === 'create') return this.createMany(actor, object, records, { batch: true });
    const obj = await this.object(actor, object);
    return this.translate(obj, () =>
      this.tdb(actor).transaction(async (tx) => {
        const out: Rec[] = [];
        for (const [i, r] of records.entries()) {
          const body = (typeof r === 'object' && r !== null ? r : {}) as Rec;
          const id = body.id;
          if (typeof id !== 'string' || !isUuid(id))
            throw invalid([{ field: `records[${i}].id`, issue: 'invalid_value' }]);
          try {
            if (action === 'delete') {
              await this.delete(actor, object, id, tx);
              out.push({ id });
            } else {
              const { id: _id, ...rest } = body;
              out.push(await this.update(actor, object, id, rest, { tx }));
            }
          } catch (e) {
            if (e instanceof AppError) throw prefixIssues(e, `records[${i}].`);
            throw e;
          }
        }
        return out;
      }),
    );
  }

  /** PostgreSQL constraint errors → 409/422 naming the field; never a 500. */
  private async translate<T>(obj: ObjectDef, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isPgError(err)) {
        // The longest column name found in the constraint name is the field (not `id` inside `tenant_id_…`).
        const field =
          obj.fields
            .filter(
              (f) =>
                !f.isCustom && f.apiName !== 'id' && err.constraint?.includes(`_${f.column ?? f.apiName}_`),
            )
            .sort((a, b) => (b.column ?? b.apiName).length - (a.column ?? a.apiName).length)[0]?.apiName ??
          'record';
        if (err.code === PG_UNIQUE_VIOLATION)
          throw new AppError('conflict', 'duplicate_value', [{ field, issue: 'not_unique' }]);
        if (err.code === PG_FK_VIOLATION) throw invalid([{ field, issue: 'invalid_reference' }]);
        if (err.code === PG_NOT_NULL_VIOLATION)
          throw invalid([{ field: err.column ?? field, issue: 'required' }]);
      }
      throw err;
    }
  }
}

function toChangeMap(
  changes: Record<string, [unknown, unknown]>,
): Record<string, { old: unknown; new: unknown }> {
  return Object.fromEntries(Object.entries(changes).map(([k, [o, n]]) => [k, { old: o, new: n }]));
}

function dedupe(issues: FieldIssue[]): FieldIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.field}:${i.issue}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function prefixIssues(e: AppError, prefix: string): AppError {
  if (!e.details.length) return e;
  return new AppError(
    e.code,
    e.messageKey,
    e.details.map((d) => ({ ...d, field: `${prefix}${d.field}` })),
    e.params,
  );
}
