// Usage telemetry in (docs/HEALTH.md, docs/API.md §22): a batch of daily rows per customer is
// checked, its customers resolved, and written in one transaction — all rows or none.
import { sql, type RawBuilder } from 'kysely';
import { can, type Actor } from '../../platform/access/permissions.ts';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { forbidden, invalid, notFound, type FieldIssue } from '../../platform/http/errors.ts';
import { accountReadPredicate } from '../accounts/scopes.ts';
import { normaliseCreditCode } from '../accounts/index.ts';
import {
  checkUsageRow,
  lastPerCustomerDay,
  MAX_USAGE_ROWS,
  type Quota,
  type UsageRow,
} from './usage.rules.ts';

/** Most issues one answer lists (a 10,000-row file of wrong rows would otherwise answer megabytes). */
export const MAX_ISSUES = 200;
/** Rows per upsert statement (one jsonb parameter each). */
const CHUNK = 2_500;

export interface IngestResult {
  /** rows in the request */
  received: number;
  /** customer-days that had no row yet */
  inserted: number;
  /** customer-days that had a row, now replaced (a resend) */
  replaced: number;
}

/** One row to ingest and how its issues are named (`rows[3]`). */
export interface UsageInput {
  at: string;
  raw: unknown;
}

/** Standard account fields an external id may be matched against (`success.externalIdField`). */
export const STANDARD_EXTERNAL_ID_FIELDS = ['credit_code', 'name', 'phone', 'website'] as const;
const CUSTOM_FIELD_RE = /^[a-z][a-z0-9_]{0,40}__c$/;
export const DEFAULT_EXTERNAL_ID_FIELD = 'credit_code';

/**
 * The account field external ids are matched against: the tenant setting
 * `settings.success.externalIdField` — a standard text field above or a custom field (`xxx__c`,
 * kept in `account.custom`) — else the unified social credit code. A value that is neither falls
 * back to the default rather than failing every upload.
 */
export async function externalIdField(tdb: TenantDb): Promise<string> {
  const row = await tdb.one(sql<{ f: unknown }>`select settings->'success'->'externalIdField' as f
    from tenant where id = ${tdb.tenantId}`);
  const f = row?.f;
  if (typeof f !== 'string') return DEFAULT_EXTERNAL_ID_FIELD;
  if ((STANDARD_EXTERNAL_ID_FIELDS as readonly string[]).includes(f) || CUSTOM_FIELD_RE.test(f)) return f;
  return DEFAULT_EXTERNAL_ID_FIELD;
}

/** The SQL expression of the field over alias `t`, lower-cased (matching is case-insensitive). */
function fieldExpr(field: string): RawBuilder<string> {
  // a standard name comes from the allow-list above; a custom name is a bound parameter
  if ((STANDARD_EXTERNAL_ID_FIELDS as readonly string[]).includes(field))
    return sql<string>`lower(${sql.ref(`t.${field}`)})`;
  return sql<string>`lower(t.custom->>${field})`;
}

/** An external id as it is compared: credit codes in their stored form, everything lower case. */
function matchKey(field: string, value: string): string {
  return (field === 'credit_code' ? normaliseCreditCode(value) : value.trim()).toLowerCase();
}

/**
 * Who may push telemetry: whoever may update accounts (administrators — a product's telemetry key
 * is normally an administrator's API key — and by default sales roles and CSMs; read-only roles
 * not). Rows may only name customers the caller can read; others are `unknown_customer`, the same
 * answer as for an id that does not exist, so the answer does not reveal accounts.
 */
function assertMayIngest(actor: Actor): void {
  if (!can(actor, 'account', 'update')) throw forbidden();
}

interface Located {
  index: number;
  at: string;
  row: UsageRow;
}

/** Account id per row index, or issues naming the rows whose customer is unknown or ambiguous. */
async function resolveCustomers(
  tdb: TenantDb,
  actor: Actor,
  rows: Located[],
): Promise<{ ids: Map<number, string>; issues: Array<{ index: number; issue: FieldIssue }> }> {
  const readable = accountReadPredicate(actor);
  const ids = new Map<number, string>();
  const issues: Array<{ index: number; issue: FieldIssue }> = [];

  const wantedIds = [...new Set(rows.flatMap((r) => (r.row.account_id ? [r.row.account_id] : [])))];
  const known = new Set<string>();
  if (wantedIds.length) {
    const found = await tdb.query(sql<{ id: string }>`select t.id from account t
      where t.tenant_id = ${tdb.tenantId} and t.deleted_at is null and t.id = any(${wantedIds}::uuid[]) and ${readable}`);
    for (const f of found) known.add(f.id);
  }

  const withExternal = rows.filter((r) => r.row.external_id !== null);
  const byKey = new Map<string, string[]>();
  let field = DEFAULT_EXTERNAL_ID_FIELD;
  if (withExternal.length) {
    field = await externalIdField(tdb);
    const keys = [...new Set(withExternal.map((r) => matchKey(field, r.row.external_id ?? '')))];
    // lower(credit_code) = any(…) is served by the unique index on (tenant_id, lower(credit_code))
    const expr = fieldExpr(field);
    const found = await tdb.query(sql<{ k: string; id: string }>`select ${expr} as k, t.id from account t
      where t.tenant_id = ${tdb.tenantId} and t.deleted_at is null and ${expr} = any(${keys}::text[]) and ${readable}`);
    for (const f of found) byKey.set(f.k, [...(byKey.get(f.k) ?? []), f.id]);
  }

  for (const r of rows) {
    if (r.row.account_id !== null) {
      if (known.has(r.row.account_id)) ids.set(r.index, r.row.account_id);
      else issues.push({ index: r.index, issue: { field: `${r.at}.account_id`, issue: 'unknown_customer' } });
      continue;
    }
    const hits = byKey.get(matchKey(field, r.row.external_id ?? '')) ?? [];
    const [only] = hits;
    if (hits.length === 1 && only) ids.set(r.index, only);
    else
      issues.push({
        index: r.index,
        issue: {
          field: `${r.at}.external_id`,
          issue: hits.length > 1 ? 'ambiguous_account' : 'unknown_customer',
        },
      });
  }
  return { ids, issues };
}

interface WriteRow {
  account_id: string;
  date: string;
  purchased_seats: number;
  activated_seats: number;
  logged_in_users_7d: number;
  bi_users_7d: number;
  module_records: Record<string, number>;
  quotas: Record<string, Quota> | null;
  admin_user: string | null;
  department_heads: string[] | null;
}

/** One multi-row upsert; a resend of a customer-day replaces every column (and received_at). */
async function upsertChunk(tx: TenantDb, rows: WriteRow[]): Promise<{ inserted: number; replaced: number }> {
  const r = await tx.one(sql<{ inserted: number; replaced: number }>`with src as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
        account_id uuid, date date, purchased_seats int, activated_seats int, logged_in_users_7d int,
        bi_users_7d int, module_records jsonb, quotas jsonb, admin_user text, department_heads text[])
    ), up as (
      insert into usage_daily as u (tenant_id, account_id, day, purchased_seats, activated_seats,
        logged_in_users_7d, bi_users_7d, module_records, quotas, admin_user, department_heads, received_at)
      select ${tx.tenantId}, account_id, date, purchased_seats, activated_seats, logged_in_users_7d,
        bi_users_7d, module_records, quotas, admin_user, department_heads, now()
      from src
      on conflict (tenant_id, account_id, day) do update set
        purchased_seats = excluded.purchased_seats, activated_seats = excluded.activated_seats,
        logged_in_users_7d = excluded.logged_in_users_7d, bi_users_7d = excluded.bi_users_7d,
        module_records = excluded.module_records, quotas = excluded.quotas, admin_user = excluded.admin_user,
        department_heads = excluded.department_heads, received_at = excluded.received_at
      -- xmax is 0 on a freshly inserted row version, the updating transaction's id on an update
      returning (u.xmax = 0) as fresh
    )
    select (count(*) filter (where fresh))::int as inserted, (count(*) filter (where not fresh))::int as replaced
    from up`);
  return { inserted: r?.inserted ?? 0, replaced: r?.replaced ?? 0 };
}

const byIndex = (x: { index: number }, y: { index: number }): number => x.index - y.index;

/**
 * Ingests rows already split out of a request or a file: checks every row (`asOf` = the tenant's
 * today: no row may be dated after it), resolves customers, and writes everything in one
 * transaction. Any problem → 422 listing (the first 200) issues by row, nothing written.
 */
export async function ingestUsageRows(
  tdb: TenantDb,
  actor: Actor,
  inputs: UsageInput[],
  asOf: string,
  source: 'api' | 'file',
  preIssues: Array<{ index: number; issue: FieldIssue }> = [],
): Promise<IngestResult> {
  assertMayIngest(actor);
  const issues = [...preIssues];
  const good: Located[] = [];
  inputs.forEach((input, index) => {
    const c = checkUsageRow(input.raw, input.at, asOf);
    if (c.ok) good.push({ index, at: input.at, row: c.row });
    else for (const issue of c.issues) issues.push({ index, issue });
  });
  const resolved = await resolveCustomers(tdb, actor, good);
  issues.push(...resolved.issues);
  if (issues.length)
    throw invalid(
      issues
        .sort(byIndex)
        .slice(0, MAX_ISSUES)
        .map((x) => x.issue),
    );

  const rows = lastPerCustomerDay(
    good.map(({ index, row }): WriteRow => ({
      account_id: resolved.ids.get(index) ?? '',
      date: row.date,
      purchased_seats: row.purchased_seats,
      activated_seats: row.activated_seats,
      logged_in_users_7d: row.logged_in_users_7d,
      bi_users_7d: row.bi_users_7d,
      module_records: row.module_records,
      quotas: row.quotas,
      admin_user: row.admin_user,
      department_heads: row.department_heads,
    })),
  );
  return tdb.transaction(async (tx) => {
    let inserted = 0;
    let replaced = 0;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const n = await upsertChunk(tx, rows.slice(i, i + CHUNK));
      inserted += n.inserted;
      replaced += n.replaced;
    }
    const days = rows.map((r) => r.date).sort();
    await writeAudit(tx, actor, [
      {
        action: 'import',
        object: 'usage_daily',
        recordId: null,
        changes: {},
        meta: {
          source,
          received: inputs.length,
          inserted,
          replaced,
          customers: new Set(rows.map((r) => r.account_id)).size,
          from: days[0] ?? null,
          to: days[days.length - 1] ?? null,
        },
      },
    ]);
    return { received: inputs.length, inserted, replaced };
  });
}

/** `POST /api/v1/usage` body `{ rows: [...] }`: 1–10,000 rows, issues named `rows[i].<field>`. */
export async function ingestUsage(
  tdb: TenantDb,
  actor: Actor,
  body: unknown,
  asOf: string,
): Promise<IngestResult> {
  assertMayIngest(actor);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid([{ field: 'body', issue: 'expected_type', params: { type: 'object' } }]);
  const extra = Object.keys(body).filter((k) => k !== 'rows');
  if (extra.length) throw invalid(extra.map((k) => ({ field: k, issue: 'unknown_field' as const })));
  const rows = (body as { rows?: unknown }).rows;
  if (rows === undefined || rows === null) throw invalid([{ field: 'rows', issue: 'required' }]);
  if (!Array.isArray(rows))
    throw invalid([{ field: 'rows', issue: 'expected_type', params: { type: 'array' } }]);
  if (rows.length === 0) throw invalid([{ field: 'rows', issue: 'too_small', params: { min: 1 } }]);
  if (rows.length > MAX_USAGE_ROWS)
    throw invalid([{ field: 'rows', issue: 'too_many', params: { max: MAX_USAGE_ROWS } }]);
  return ingestUsageRows(
    tdb,
    actor,
    rows.map((raw: unknown, i) => ({ at: `rows[${i}]`, raw })),
    asOf,
    'api',
  );
}

export interface UsageDay {
  date: string;
  purchased_seats: number;
  activated_seats: number;
  logged_in_users_7d: number;
  bi_users_7d: number;
  module_records: Record<string, number>;
  quotas: Record<string, Quota> | null;
  admin_user: string | null;
  department_heads: string[] | null;
  received_at: string;
}

/** The daily rows of one customer between two dates (inclusive); 404 unless the actor may read it. */
export async function readUsage(
  tdb: TenantDb,
  actor: Actor,
  accountId: string,
  from: string,
  to: string,
): Promise<{ account_id: string; from: string; to: string; rows: UsageDay[] }> {
  const account = await tdb.one(sql<{ id: string }>`select t.id from account t
    where t.tenant_id = ${tdb.tenantId} and t.id = ${accountId} and t.deleted_at is null and ${accountReadPredicate(actor)}`);
  if (!account) throw notFound();
  const rows = await tdb.query(sql<UsageDay>`select to_char(day, 'YYYY-MM-DD') as date, purchased_seats,
      activated_seats, logged_in_users_7d, bi_users_7d, module_records, quotas, admin_user, department_heads,
      to_char(received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as received_at
    from usage_daily where tenant_id = ${tdb.tenantId} and account_id = ${accountId}
      and day between ${from}::date and ${to}::date
    order by day`);
  return { account_id: accountId, from, to, rows };
}

/** Stores the external-id field (administrators): a standard field above or a custom `xxx__c` field. */
export async function saveExternalIdField(tdb: TenantDb, actor: Actor, body: unknown): Promise<string> {
  if (!actor.isAdmin) throw forbidden();
  const f = (body as { externalIdField?: unknown } | null)?.externalIdField;
  if (
    typeof f !== 'string' ||
    !((STANDARD_EXTERNAL_ID_FIELDS as readonly string[]).includes(f) || CUSTOM_FIELD_RE.test(f))
  )
    throw invalid([{ field: 'externalIdField', issue: 'invalid_value' }]);
  await tdb.transaction(async (tx) => {
    const before = await externalIdField(tx);
    await tx.exec0(sql`update tenant set settings = jsonb_set(coalesce(settings, '{}'::jsonb), '{success}',
        coalesce(settings->'success', '{}'::jsonb) || ${JSON.stringify({ externalIdField: f })}::jsonb)
      where id = ${tx.tenantId}`);
    await writeAudit(tx, actor, [
      {
        action: 'admin',
        object: 'settings',
        recordId: null,
        changes: { 'success.externalIdField': [before, f] },
      },
    ]);
  });
  return f;
}
