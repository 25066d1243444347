import { sql } from 'kysely';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError, forbidden, invalid } from '../../platform/http/errors.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { parseBody } from '../../platform/http/zod-issues.ts';
import { accountReadPredicate } from '../accounts/scopes.ts';
import { healthModelSchema, modelIssues, type HealthModel } from './health-model.ts';
import { loadHealthModel, saveHealthModel } from './health.service.ts';
import { addDaysIso } from './health.rules.ts';
import { isDay } from './month.rules.ts';
import type { HealthStatus } from './health.rules.ts';

export const HEALTH_STATUSES: HealthStatus[] = ['healthy', 'sub_healthy', 'unhealthy', 'no_data'];

export interface HealthRow {
  account_id: string;
  account_name: string;
  csm_id: string | null;
  csm_name: string | null;
  owner_id: string | null;
  owner_name: string | null;
  week_start: string;
  score: number | null;
  status: HealthStatus;
  delayed: boolean;
  dimensions: Record<string, { raw: number | null; score: number; weight: number }>;
  arr: number;
  probability: number | null;
}

export interface HealthListMeta {
  as_of: string;
  week_start: string | null;
  model_version: number | null;
  total_arr: number;
  healthy_arr: number;
  /** healthy ARR ÷ total ARR of the customers listed, 4 decimals (null when there is no ARR) */
  health_rate: number | null;
  distribution: { status: HealthStatus; customers: number; arr: number }[];
}

/** A date query parameter (YYYY-MM-DD), or the default; a bad value is a 422 naming it. */
export function parseDay(v: string | undefined, field: string, fallback: string): string {
  if (v === undefined || v === '') return fallback;
  if (!isDay(v)) throw invalid([{ field, issue: 'invalid_date' }]);
  return v;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Reading health: the weekly snapshots through the actor's account scope (a CSM: own book). */
export class HealthReadService {
  constructor(private readonly db: Db) {}

  private tdb(actor: Actor): TenantDb {
    return TenantDb.for(this.db, actor.tenantId);
  }

  /** The week whose scores were current on `asOf`: the latest scored on a Monday ≤ asOf. */
  private async currentWeek(tdb: TenantDb, asOf: string): Promise<string | null> {
    const row = await tdb.one(sql<{ wk: string | null }>`select to_char(max(week_start), 'YYYY-MM-DD') as wk
      from health_snapshot where tenant_id = ${tdb.tenantId} and week_start <= ${addDaysIso(asOf, -7)}::date`);
    return row?.wk ?? null;
  }

  async list(
    actor: Actor,
    asOf: string,
    filter: { status?: HealthStatus; csm_id?: string },
  ): Promise<{ data: HealthRow[]; meta: HealthListMeta }> {
    if (!can(actor, 'account', 'read')) throw forbidden();
    const tdb = this.tdb(actor);
    const week = await this.currentWeek(tdb, asOf);
    const empty: HealthListMeta = {
      as_of: asOf,
      week_start: week,
      model_version: null,
      total_arr: 0,
      healthy_arr: 0,
      health_rate: null,
      distribution: HEALTH_STATUSES.map((status) => ({ status, customers: 0, arr: 0 })),
    };
    if (!week) return { data: [], meta: empty };
    const rows = await tdb.query(sql<
      HealthRow & { model_version: number }
    >`select s.account_id, t.name as account_name,
        t.csm_id, cu.name as csm_name, t.owner_id, ou.name as owner_name, to_char(s.week_start, 'YYYY-MM-DD') as week_start,
        s.score::float8 as score, s.status, s.delayed, s.dimensions, s.arr::float8 as arr, s.probability::float8 as probability,
        s.model_version
      from health_snapshot s
      join account t on t.tenant_id = s.tenant_id and t.id = s.account_id and t.deleted_at is null
      left join app_user cu on cu.tenant_id = t.tenant_id and cu.id = t.csm_id
      left join app_user ou on ou.tenant_id = t.tenant_id and ou.id = t.owner_id
      where s.tenant_id = ${tdb.tenantId} and s.week_start = ${week}::date and ${accountReadPredicate(actor)}
        ${filter.csm_id ? sql`and t.csm_id = ${filter.csm_id}` : sql``}
      order by s.arr desc, s.score nulls first, t.name`);
    const dist = new Map(HEALTH_STATUSES.map((s) => [s, { status: s, customers: 0, arr: 0 }]));
    let total = 0;
    for (const r of rows) {
      const d = dist.get(r.status);
      if (d) {
        d.customers++;
        d.arr += r.arr;
      }
      total += r.arr;
    }
    const healthy = dist.get('healthy')?.arr ?? 0;
    const data = (filter.status ? rows.filter((r) => r.status === filter.status) : rows).map(
      ({ model_version: _v, ...r }) => ({ ...r, score: num(r.score), probability: num(r.probability) }),
    );
    return {
      data,
      meta: {
        ...empty,
        model_version: rows[0]?.model_version ?? null,
        total_arr: total,
        healthy_arr: healthy,
        health_rate: total > 0 ? Math.round((healthy / total) * 10000) / 10000 : null,
        distribution: [...dist.values()],
      },
    };
  }

  /** One customer's health: the latest snapshot with its breakdown, and the trend. */
  async account(actor: Actor, accountId: string, weeks: number): Promise<AccountHealth> {
    const tdb = this.tdb(actor);
    const acc = await tdb.one(sql<{ id: string; name: string }>`select t.id, t.name from account t
      where t.tenant_id = ${tdb.tenantId} and t.id = ${accountId} and t.deleted_at is null and ${accountReadPredicate(actor)}`);
    if (!acc) throw new AppError('not_found', 'not_found');
    const hist =
      await tdb.query(sql<SnapshotRow>`select to_char(week_start, 'YYYY-MM-DD') as week_start, model_version,
        score::float8 as score, status, delayed, dimensions, weekly_totals, login_rate::float8 as login_rate, quotas,
        admin_user, department_heads, arr::float8 as arr, probability::float8 as probability, factors
      from health_snapshot where tenant_id = ${tdb.tenantId} and account_id = ${accountId}
      order by week_start desc limit ${weeks}`);
    const { version, model } = await loadHealthModel(tdb);
    const latest = hist[0] ?? null;
    return {
      account_id: acc.id,
      account_name: acc.name,
      latest,
      trend: hist
        .map((h) => ({
          week_start: h.week_start,
          score: h.score,
          status: h.status,
          probability: h.probability,
        }))
        .reverse(),
      model: {
        version,
        weights: model.weights,
        healthyMin: model.healthyMin,
        unhealthyBelow: model.unhealthyBelow,
      },
    };
  }

  /** The model in force and its saved versions. */
  async model(actor: Actor): Promise<ModelView> {
    if (!can(actor, 'account', 'read')) throw forbidden();
    const tdb = this.tdb(actor);
    const { version, model } = await loadHealthModel(tdb);
    const versions = await tdb.query(sql<{
      version: number;
      created_at: Date;
      created_by_name: string | null;
    }>`select m.version, m.created_at, u.name as created_by_name from health_model m
      left join app_user u on u.tenant_id = m.tenant_id and u.id = m.created_by
      where m.tenant_id = ${tdb.tenantId} order by m.version desc limit 50`);
    return { version, model, versions };
  }

  /** Saves a new model version (administrators); every field problem is a 422 naming it. */
  async saveModel(actor: Actor, body: unknown): Promise<ModelView> {
    if (!actor.isAdmin) throw forbidden();
    const input: HealthModel = parseBody(healthModelSchema, body);
    const issues = modelIssues(input);
    if (issues.length) throw invalid(issues.map((i) => ({ field: i.field, issue: 'invalid_value' })));
    const tdb = this.tdb(actor);
    await tdb.transaction(async (tx) => {
      const before = await loadHealthModel(tx);
      const version = await saveHealthModel(tx, input, actor.userId);
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'health_model',
          recordId: null,
          changes: { health_model: [before.model, input] },
          meta: { version },
        },
      ]);
    });
    return this.model(actor);
  }
}

export interface SnapshotRow {
  week_start: string;
  model_version: number;
  score: number | null;
  status: HealthStatus;
  delayed: boolean;
  dimensions: Record<string, { raw: number | null; score: number; weight: number }>;
  weekly_totals: { week_start: string; total: number }[];
  login_rate: number | null;
  quotas: Record<string, { used: number; limit: number }> | null;
  admin_user: string | null;
  department_heads: string[] | null;
  arr: number;
  probability: number | null;
  factors: { feature: string; contribution: number; direction: string }[] | null;
}

export interface AccountHealth {
  account_id: string;
  account_name: string;
  latest: SnapshotRow | null;
  trend: { week_start: string; score: number | null; status: HealthStatus; probability: number | null }[];
  model: {
    version: number;
    weights: HealthModel['weights'];
    healthyMin: number;
    unhealthyBelow: number;
  };
}

export interface ModelView {
  version: number;
  model: HealthModel;
  versions: { version: number; created_at: Date; created_by_name: string | null }[];
}
