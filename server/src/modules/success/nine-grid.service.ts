import { sql } from 'kysely';
import { z } from 'zod';
import { can, objectPermission, type Actor } from '../../platform/access/permissions.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { forbidden, invalid } from '../../platform/http/errors.ts';
import { parseBody } from '../../platform/http/zod-issues.ts';
import { addDays, todayIn } from '../../platform/jobs/dates.rules.ts';
import type { Platform } from '../../platform/platform.ts';
import { accountReadPredicate } from '../accounts/scopes.ts';
import { loadHealthModel } from './health.service.ts';
import type { HealthStatus } from './health.rules.ts';
import {
  CELLS,
  cellFor,
  DEFAULT_CELLS,
  gridProbability,
  tiersOfCell,
  type CellConfig,
  type ProbabilityTier,
  type TaskTemplate,
  type Tier,
} from './nine-grid.rules.ts';

export interface GridCustomer {
  account_id: string;
  account_name: string;
  arr: number;
  score: number | null;
  status: HealthStatus;
  /** the probability the grid used (model, else score ÷ 100); null → low tier */
  probability: number | null;
  week_start: string | null;
  csm_id: string | null;
  csm_name: string | null;
  owner_id: string | null;
}

export interface GridCell extends CellConfig {
  cell: number;
  value_tier: Tier;
  probability_tier: ProbabilityTier;
  count: number;
  arr: number;
  customers: GridCustomer[];
}

export interface NineGrid {
  as_of: string;
  value_tiers: { large: number; mid: number };
  probability_tiers: { high: number; mid: number };
  total_customers: number;
  total_arr: number;
  cells: GridCell[];
}

export interface CellView extends CellConfig {
  cell: number;
  value_tier: Tier;
  probability_tier: ProbabilityTier;
  /** false while the seeded default applies */
  customised: boolean;
  updated_at: Date | null;
}

export interface TaskRun {
  cell: number;
  as_of: string;
  customers: number;
  created: number;
  skipped: number;
  tasks: Array<{ id: string; account_id: string; subject: string; owner_id: string | null; due_at: string }>;
}

// PostgreSQL text cannot hold U+0000: a 422 naming the field, not a failed insert
const noNul = (s: string): boolean => !s.includes('\u0000');
const cellBody = z.strictObject({
  strategy: z.string().max(2000).refine(noNul),
  task_templates: z
    .array(
      z.strictObject({
        subject: z.string().trim().min(1).max(200).refine(noNul),
        due_days: z.number().int().min(0).max(365),
        priority: z.enum(['high', 'normal', 'low']).default('normal'),
      }),
    )
    .max(10),
});

/** A cell number from the path: 1–9, else a 422 naming `cell`. */
export function parseCell(v: string): number {
  const n = /^[1-9]$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw invalid([{ field: 'cell', issue: 'invalid_value' }]);
  return n;
}

/**
 * Who may edit cell strategies (and approve incentive statements): administrators and people
 * whose account scope reaches beyond their own records with edit rights — a CS director.
 */
export function managesSuccess(actor: Actor): boolean {
  if (actor.isAdmin) return true;
  const p = objectPermission(actor, 'account');
  return p.update && p.scope !== 'own';
}

/** The nine-grid (DOMAIN.md §6.2): cells at a date, their strategies, and their task templates as tasks. */
export class NineGridService {
  constructor(private readonly p: Platform) {}

  private tdb(actor: Actor): TenantDb {
    if (!can(actor, 'account', 'read')) throw forbidden();
    return TenantDb.for(this.p.db, actor.tenantId);
  }

  /** The nine cells' strategies and task templates (the seeded defaults where none is saved). */
  async cells(actor: Actor): Promise<CellView[]> {
    return this.cellsOf(this.tdb(actor));
  }

  private async cellsOf(tdb: TenantDb): Promise<CellView[]> {
    const rows = await tdb.query(
      sql<{
        cell: number;
        strategy: string;
        task_templates: TaskTemplate[];
        updated_at: Date;
      }>`select cell, strategy, task_templates, updated_at from nine_grid_cell where tenant_id = ${tdb.tenantId}`,
    );
    const saved = new Map(rows.map((r) => [r.cell, r]));
    return CELLS.map((cell) => {
      const s = saved.get(cell);
      const d = DEFAULT_CELLS[cell] ?? { strategy: '', task_templates: [] };
      const t = tiersOfCell(cell);
      return {
        cell,
        value_tier: t.value,
        probability_tier: t.probability,
        strategy: s ? s.strategy : d.strategy,
        task_templates: s ? s.task_templates : d.task_templates,
        customised: s !== undefined,
        updated_at: s ? s.updated_at : null,
      };
    });
  }

  /** Replaces one cell's strategy and templates (administrators, CS directors); audited. */
  async putCell(actor: Actor, cell: number, body: unknown): Promise<CellView> {
    if (!managesSuccess(actor)) throw forbidden();
    const input = parseBody(cellBody, body);
    const tdb = this.tdb(actor);
    await tdb.transaction(async (tx) => {
      const before = (await this.cellsOf(tx)).find((c) => c.cell === cell);
      await tx.exec0(sql`insert into nine_grid_cell (tenant_id, cell, strategy, task_templates, updated_by, updated_at)
        values (${tx.tenantId}, ${cell}, ${input.strategy}, ${JSON.stringify(input.task_templates)}::jsonb, ${actor.userId}, now())
        on conflict (tenant_id, cell) do update set strategy = excluded.strategy, task_templates = excluded.task_templates,
          updated_by = excluded.updated_by, updated_at = now()`);
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'nine_grid_cell',
          recordId: null,
          changes: {
            strategy: [before?.strategy ?? null, input.strategy],
            task_templates: [before?.task_templates ?? null, input.task_templates],
          },
          meta: { cell },
        },
      ]);
    });
    const out = (await this.cellsOf(tdb)).find((c) => c.cell === cell);
    if (!out) throw new Error(`cell ${cell} vanished`);
    return out;
  }

  /**
   * The grid on `asOf`: every customer the actor may read with ARR on the date (ledger), placed by
   * that ARR and the renewal probability of its latest snapshot scored on a Monday ≤ asOf.
   */
  async grid(actor: Actor, asOf: string): Promise<NineGrid> {
    const tdb = this.tdb(actor);
    const [{ model }, configs, customers] = await Promise.all([
      loadHealthModel(tdb),
      this.cellsOf(tdb),
      this.customers(tdb, actor, asOf),
    ]);
    const cells = new Map<number, GridCell>(
      configs.map((c) => [
        c.cell,
        {
          cell: c.cell,
          value_tier: c.value_tier,
          probability_tier: c.probability_tier,
          strategy: c.strategy,
          task_templates: c.task_templates,
          count: 0,
          arr: 0,
          customers: [],
        },
      ]),
    );
    for (const c of customers) {
      const g = cells.get(cellFor(c.arr, c.probability, model).cell);
      if (!g) continue;
      g.count++;
      g.arr += c.arr;
      g.customers.push(c);
    }
    return {
      as_of: asOf,
      value_tiers: model.valueTiers,
      probability_tiers: model.probabilityTiers,
      total_customers: customers.length,
      total_arr: customers.reduce((s, c) => s + c.arr, 0),
      cells: [...cells.values()],
    };
  }

  private async customers(tdb: TenantDb, actor: Actor, asOf: string): Promise<GridCustomer[]> {
    const rows = await tdb.query(sql<{
      account_id: string;
      account_name: string;
      arr: number;
      score: string | null;
      status: HealthStatus | null;
      probability: string | null;
      week_start: string | null;
      csm_id: string | null;
      csm_name: string | null;
      owner_id: string | null;
    }>`with x as (select l.account_id, sum(l.arr)::int8 as arr from subscription_line l
        where l.tenant_id = ${tdb.tenantId} and l.status = 'active' and l.arr > 0
          and l.service_start <= ${asOf}::date and l.service_end >= ${asOf}::date
        group by 1)
      select t.id as account_id, t.name as account_name, x.arr, s.score::text as score, s.status,
        s.probability::text as probability, to_char(s.week_start, 'YYYY-MM-DD') as week_start,
        t.csm_id, cu.name as csm_name, t.owner_id
      from x join account t on t.tenant_id = ${tdb.tenantId} and t.id = x.account_id and t.deleted_at is null
      left join app_user cu on cu.tenant_id = t.tenant_id and cu.id = t.csm_id
      left join lateral (select h.score, h.status, h.probability, h.week_start from health_snapshot h
        where h.tenant_id = ${tdb.tenantId} and h.account_id = t.id and h.week_start <= ${asOf}::date - 7
        order by h.week_start desc limit 1) s on true
      where ${accountReadPredicate(actor)}
      order by x.arr desc, t.name`);
    return rows.map((r) => {
      const score = r.score === null ? null : Number(r.score);
      return {
        account_id: r.account_id,
        account_name: r.account_name,
        arr: Number(r.arr),
        score,
        status: r.status ?? 'no_data',
        probability: gridProbability(r.probability === null ? null : Number(r.probability), score),
        week_start: r.week_start,
        csm_id: r.csm_id,
        csm_name: r.csm_name,
        owner_id: r.owner_id,
      };
    });
  }

  /**
   * Creates the cell's template tasks for every customer of the cell the actor may read on
   * `asOf`, owned by the customer's CSM (else its owner), due `due_days` after today at 18:00 in
   * the tenant's time zone. Idempotent: a customer that already has an open task with the same
   * subject gets no second one, so pressing the button twice (or the same week again) adds nothing.
   */
  async createTasks(actor: Actor, cell: number, asOf: string): Promise<TaskRun> {
    if (!can(actor, 'task', 'create')) throw forbidden();
    const grid = await this.grid(actor, asOf);
    const g = grid.cells.find((c) => c.cell === cell);
    const run: TaskRun = { cell, as_of: asOf, customers: g?.count ?? 0, created: 0, skipped: 0, tasks: [] };
    if (!g || !g.customers.length || !g.task_templates.length) return run;
    const tdb = TenantDb.for(this.p.db, actor.tenantId);
    const today = todayIn(actor.timeZone);
    return tdb.transaction(async (tx) => {
      // two presses at once must not both find "no open task yet"
      await tx.exec0(sql`select pg_advisory_xact_lock(hashtext('nine_grid_tasks:' || ${tx.tenantId}))`);
      const ids = g.customers.map((c) => c.account_id);
      const subjects = g.task_templates.map((t) => t.subject);
      const open = await tx.query(sql<{
        account_id: string;
        subject: string;
      }>`select account_id, subject from task
        where tenant_id = ${tx.tenantId} and deleted_at is null and status = 'open'
          and account_id = any(${ids}::uuid[]) and subject = any(${subjects}::text[])`);
      const has = new Set(open.map((o) => `${o.account_id}|${o.subject}`));
      const dueAt = new Map<number, string>();
      for (const t of g.task_templates)
        if (!dueAt.has(t.due_days)) {
          const r = await tx.one(sql<{
            at: Date;
          }>`select ((${addDays(today, t.due_days)}::date + time '18:00')
            at time zone ${actor.timeZone}) as at`);
          dueAt.set(t.due_days, (r?.at ?? new Date()).toISOString());
        }
      const inputs: Record<string, unknown>[] = [];
      for (const c of g.customers)
        for (const t of g.task_templates) {
          if (has.has(`${c.account_id}|${t.subject}`)) {
            run.skipped++;
            continue;
          }
          has.add(`${c.account_id}|${t.subject}`);
          inputs.push({
            subject: t.subject,
            account_id: c.account_id,
            owner_id: c.csm_id ?? c.owner_id ?? actor.userId,
            priority: t.priority,
            due_at: dueAt.get(t.due_days),
            notes: `客户价值九宫格第 ${cell} 格（${asOf}）：${g.strategy}`,
          });
        }
      for (let i = 0; i < inputs.length; i += 500) {
        const created = await this.p.records.createMany(actor, 'task', inputs.slice(i, i + 500), {}, tx);
        for (const r of created)
          run.tasks.push({
            id: String(r.id),
            account_id: String(r.account_id),
            subject: String(r.subject),
            owner_id: r.owner_id === null || r.owner_id === undefined ? null : String(r.owner_id),
            due_at: String(r.due_at),
          });
      }
      run.created = run.tasks.length;
      return run;
    });
  }
}
