import { sql } from 'kysely';
import { z } from 'zod';
import { can, fieldAccess, type Actor } from '../../platform/access/permissions.ts';
import { scopePredicate } from '../../platform/access/scope.sql.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { newId } from '../../platform/db/ids.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { AppError, forbidden, invalid, type FieldIssue } from '../../platform/http/errors.ts';
import type { Labels } from '../../platform/i18n/i18n.ts';
import type { Rec } from '../../platform/metadata/types.ts';
import type { Platform } from '../../platform/platform.ts';
import { activityTypesOf, openDuplicates } from './opportunity.hooks.ts';
import { ensurePipelines, loadPipelines } from './pipelines.service.ts';
import {
  loadSalesSettings,
  salesSettingsSchema,
  storeSalesSettings,
  type SalesSettings,
} from './settings.ts';
import { evaluateGate, firstCreateStage, isClosed, stageOf, type Pipeline } from './stage-gate.rules.ts';

export interface GateAnswer {
  from: string;
  to: string;
  allowed: boolean;
  required_fields: string[];
  required_activities: string[];
  missing: Array<{ field: string; code: string }>;
  /** for lost/invalid targets: the reasons close_reason may take */
  close_reasons: string[] | null;
}

export interface KanbanCard {
  id: string;
  name: string;
  account_id: string;
  account_name: string | null;
  amount: { amount: number; currency: string } | null;
  close_date: string | null;
  owner_id: string | null;
  owner_name: string | null;
  days_in_stage: number;
  overdue: boolean;
}

export interface KanbanColumn {
  key: string;
  name: Labels;
  type: string;
  probability: number;
  max_days: number | null;
  count: number;
  /** per currency: amount and probability-weighted amount, minor units */
  amounts: Array<{ currency: string; amount: number; weighted: number }>;
  cards: KanbanCard[];
}

const contactsSchema = z
  .array(
    z.strictObject({ contact_id: z.string().uuid(), role: z.string().trim().max(40).nullable().optional() }),
  )
  .max(100);
const teamSchema = z
  .array(z.strictObject({ user_id: z.string().uuid(), role: z.string().trim().min(1).max(40).optional() }))
  .max(50);
const linesSchema = z
  .array(
    z.strictObject({
      product: z.string().trim().min(1).max(200),
      quantity: z.number().positive().max(1e9),
      unit_price: z.number().int().min(0).max(1e15),
      currency: z.string().regex(/^[A-Z]{3}$/),
    }),
  )
  .max(200);

const zodIssues = (prefix: string, e: z.ZodError): FieldIssue[] =>
  e.issues.slice(0, 20).map((i) => {
    let field = prefix;
    for (const x of i.path) field += typeof x === 'number' ? `[${x}]` : field ? `.${String(x)}` : String(x);
    return { field: field || 'body', issue: 'invalid_value' as const };
  });

/** Opportunity actions beyond generic CRUD: stage moves, gate, restore, related lists, kanban. */
export class OpportunitiesService {
  constructor(readonly p: Platform) {}

  tdb(tenantId: string): TenantDb {
    return TenantDb.for(this.p.db, tenantId);
  }

  private async pipelines(tenantId: string): Promise<Pipeline[]> {
    const inserted = await this.tdb(tenantId).transaction((tx) => ensurePipelines(tx));
    if (inserted) this.p.registry.invalidate(tenantId);
    return loadPipelines(this.tdb(tenantId));
  }

  // --- settings ---

  async settings(actor: Actor): Promise<SalesSettings> {
    return loadSalesSettings(this.tdb(actor.tenantId));
  }

  async saveSettings(actor: Actor, body: unknown): Promise<SalesSettings> {
    if (!actor.isAdmin) throw forbidden();
    const parsed = salesSettingsSchema.safeParse(body);
    if (!parsed.success) throw invalid(zodIssues('', parsed.error));
    return this.tdb(actor.tenantId).transaction(async (tx) => {
      const before = await loadSalesSettings(tx);
      await storeSalesSettings(tx, parsed.data);
      await writeAudit(tx, actor, [
        { action: 'admin', object: 'settings', recordId: null, changes: { sales: [before, parsed.data] } },
      ]);
      return parsed.data;
    });
  }

  // --- stage moves ---

  /** Moves a deal through the records engine: the opportunity hook gates, audits and records history. */
  async moveStage(
    actor: Actor,
    id: string,
    input: {
      stage: string;
      close_reason?: string | undefined;
      close_note?: string | undefined;
      version?: number | undefined;
    },
  ): Promise<Rec> {
    await this.pipelines(actor.tenantId);
    const patch: Rec = { stage: input.stage };
    if (input.close_reason !== undefined) patch.close_reason = input.close_reason;
    if (input.close_note !== undefined) patch.close_note = input.close_note;
    return this.p.records.update(actor, 'opportunity', id, patch, { expectedVersion: input.version });
  }

  /** What moving the deal to `to` requires and what it still misses (the stage-change dialog). */
  async gate(actor: Actor, id: string, to: string): Promise<GateAnswer> {
    const opp = await this.p.records.get(actor, 'opportunity', id);
    const pipelines = await this.pipelines(actor.tenantId);
    const p = pipelines.find((x) => x.id === opp.pipeline_id);
    const target = p ? stageOf(p, to) : undefined;
    if (!p || !target) throw invalid([{ field: 'to', issue: 'invalid_option', params: { value: to } }]);
    const from = stageOf(p, opp.stage) ?? target;
    const settings = await loadSalesSettings(this.tdb(actor.tenantId));
    const closeReasons =
      target.type === 'lost'
        ? settings.lostReasons
        : target.type === 'invalid'
          ? settings.invalidReasons
          : null;
    if (isClosed(from)) {
      const missing: FieldIssue[] = isClosed(target) ? [{ field: 'stage', issue: 'reopen_first' }] : [];
      return {
        from: from.key,
        to: target.key,
        allowed: !missing.length,
        required_fields: [],
        required_activities: [],
        missing: missing.map((m) => ({ field: m.field, code: m.issue })),
        close_reasons: closeReasons,
      };
    }
    const g = evaluateGate({
      pipeline: p,
      from,
      to: target,
      record: opp,
      activityTypes: await activityTypesOf(this.tdb(actor.tenantId), id),
    });
    const missing = [...g.missing];
    const requiredFields = [...g.requiredFields];
    if (closeReasons) {
      if (!requiredFields.includes('close_reason')) requiredFields.push('close_reason');
      // the dialog asks for the reason; a stored one from an earlier close does not count
      if (!missing.some((m) => m.field === 'close_reason'))
        missing.push({ field: 'close_reason', issue: 'required' });
    }
    return {
      from: from.key,
      to: target.key,
      allowed: missing.length === 0,
      required_fields: requiredFields,
      required_activities: g.requiredActivities,
      missing: missing.map((m) => ({ field: m.field, code: m.issue })),
      close_reasons: closeReasons,
    };
  }

  /** Back to the active stage the deal was in before it closed (from its stage history). */
  async restore(actor: Actor, id: string, version?: number): Promise<Rec> {
    const opp = await this.p.records.get(actor, 'opportunity', id);
    const pipelines = await this.pipelines(actor.tenantId);
    const p = pipelines.find((x) => x.id === opp.pipeline_id);
    const cur = p ? stageOf(p, opp.stage) : undefined;
    if (!p || !cur || !isClosed(cur)) throw new AppError('conflict', 'opportunity_not_closed');
    const history = await this.tdb(actor.tenantId).query(sql<{
      stage: string;
    }>`select stage from opportunity_stage_history
      where tenant_id = ${actor.tenantId} and opportunity_id = ${id} and pipeline_id = ${p.id} order by entered_at desc, id desc`);
    const back =
      history.map((h) => stageOf(p, h.stage)).find((s) => s !== undefined && !isClosed(s)) ??
      firstCreateStage(p);
    if (!back) throw new AppError('conflict', 'opportunity_not_closed');
    return this.p.records.update(actor, 'opportunity', id, { stage: back.key }, { expectedVersion: version });
  }

  // --- duplicates ---

  /** The create-form probe (撞单): open deals of this type on the account, and the tenant's policy. */
  async duplicates(
    actor: Actor,
    q: { account_id: string; type: string; products?: string[] | undefined },
  ): Promise<{
    policy: 'warn' | 'block';
    hits: Array<{ id: string; name: string; owner_id: string | null; stage: string }>;
  }> {
    if (!can(actor, 'opportunity', 'read')) throw forbidden();
    // the account must be one the caller can see; the hits are named even when owned by others
    await this.p.records.get(actor, 'account', q.account_id);
    const tdb = this.tdb(actor.tenantId);
    const settings = await loadSalesSettings(tdb);
    const hits = await openDuplicates(tdb, {
      accountId: q.account_id,
      type: q.type,
      ...(q.products ? { products: q.products } : {}),
    });
    return { policy: settings.duplicatePolicy, hits };
  }

  // --- contacts, team, lines ---

  /** The deal, readable by the caller; with `edit`, also editable (update permission, write scope). */
  private async opportunity(actor: Actor, id: string, edit: boolean): Promise<Rec> {
    const opp = await this.p.records.get(actor, 'opportunity', id);
    if (edit && !can(actor, 'opportunity', 'update')) throw forbidden();
    return opp;
  }

  async contacts(
    actor: Actor,
    id: string,
  ): Promise<Array<{ contact_id: string; name: string | null; role: string | null }>> {
    await this.opportunity(actor, id, false);
    return this.tdb(actor.tenantId).query(sql<{
      contact_id: string;
      name: string | null;
      role: string | null;
    }>`
      select oc.contact_id, c.name, oc.role from opportunity_contact oc
        join contact c on c.tenant_id = oc.tenant_id and c.id = oc.contact_id
      where oc.tenant_id = ${actor.tenantId} and oc.opportunity_id = ${id} order by c.name, oc.contact_id`);
  }

  async saveContacts(
    actor: Actor,
    id: string,
    body: unknown,
  ): Promise<Array<{ contact_id: string; name: string | null; role: string | null }>> {
    await this.opportunity(actor, id, true);
    const parsed = contactsSchema.safeParse(body);
    if (!parsed.success) throw invalid(zodIssues('contacts', parsed.error));
    const ids = [...new Set(parsed.data.map((c) => c.contact_id))];
    if (ids.length !== parsed.data.length) throw invalid([{ field: 'contacts', issue: 'not_unique' }]);
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      // contacts the caller can see (record scope), live
      const seen = !ids.length
        ? { data: [] }
        : await this.p.records.list(actor, 'contact', {
            filter: [{ field: 'id', op: 'in', value: ids }],
            sort: [],
            limit: 100,
            expand: [],
            count: false,
            deleted: 'exclude',
          });
      const found = new Set(seen.data.map((r) => String(r.id)));
      const bad = parsed.data.flatMap((c, i) =>
        found.has(c.contact_id)
          ? []
          : [{ field: `contacts[${i}].contact_id`, issue: 'invalid_reference' as const }],
      );
      if (bad.length) throw invalid(bad);
      const before = await tx.query(sql<{
        contact_id: string;
        role: string | null;
      }>`select contact_id, role from opportunity_contact
        where tenant_id = ${tx.tenantId} and opportunity_id = ${id} order by contact_id`);
      await tx.exec0(
        sql`delete from opportunity_contact where tenant_id = ${tx.tenantId} and opportunity_id = ${id}`,
      );
      for (const c of parsed.data)
        await tx.exec0(sql`insert into opportunity_contact (tenant_id, opportunity_id, contact_id, role)
          values (${tx.tenantId}, ${id}, ${c.contact_id}, ${c.role ?? null})`);
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'opportunity',
          recordId: id,
          changes: { contacts: [before, parsed.data] },
        },
      ]);
    });
    return this.contacts(actor, id);
  }

  async team(actor: Actor, id: string): Promise<Array<{ user_id: string; name: string; role: string }>> {
    await this.opportunity(actor, id, false);
    return this.tdb(actor.tenantId).query(sql<{ user_id: string; name: string; role: string }>`
      select m.user_id, u.name, m.role from opportunity_team_member m
        join app_user u on u.tenant_id = m.tenant_id and u.id = m.user_id
      where m.tenant_id = ${actor.tenantId} and m.opportunity_id = ${id} order by u.name, m.user_id`);
  }

  async saveTeam(
    actor: Actor,
    id: string,
    body: unknown,
  ): Promise<Array<{ user_id: string; name: string; role: string }>> {
    await this.opportunity(actor, id, true);
    const parsed = teamSchema.safeParse(body);
    if (!parsed.success) throw invalid(zodIssues('team', parsed.error));
    const ids = [...new Set(parsed.data.map((m) => m.user_id))];
    if (ids.length !== parsed.data.length) throw invalid([{ field: 'team', issue: 'not_unique' }]);
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const users = await tx.query(
        sql<{
          id: string;
        }>`select id from app_user where tenant_id = ${tx.tenantId} and id = any(${ids}::uuid[])`,
      );
      const found = new Set(users.map((u) => u.id));
      const bad = parsed.data.flatMap((m, i) =>
        found.has(m.user_id) ? [] : [{ field: `team[${i}].user_id`, issue: 'invalid_reference' as const }],
      );
      if (bad.length) throw invalid(bad);
      const before = await tx.query(sql<{
        user_id: string;
        role: string;
      }>`select user_id, role from opportunity_team_member
        where tenant_id = ${tx.tenantId} and opportunity_id = ${id} order by user_id`);
      await tx.exec0(
        sql`delete from opportunity_team_member where tenant_id = ${tx.tenantId} and opportunity_id = ${id}`,
      );
      for (const m of parsed.data)
        await tx.exec0(sql`insert into opportunity_team_member (tenant_id, opportunity_id, user_id, role)
          values (${tx.tenantId}, ${id}, ${m.user_id}, ${m.role ?? 'member'})`);
      await writeAudit(tx, actor, [
        { action: 'update', object: 'opportunity', recordId: id, changes: { team: [before, parsed.data] } },
      ]);
    });
    return this.team(actor, id);
  }

  async lines(
    actor: Actor,
    id: string,
  ): Promise<
    Array<{
      id: string;
      product: string;
      quantity: number;
      unit_price: number;
      currency: string;
      amount: number;
    }>
  > {
    await this.opportunity(actor, id, false);
    return this.linesOf(this.tdb(actor.tenantId), id);
  }

  private async linesOf(
    tdb: TenantDb,
    id: string,
  ): Promise<
    Array<{
      id: string;
      product: string;
      quantity: number;
      unit_price: number;
      currency: string;
      amount: number;
    }>
  > {
    const rows = await tdb.query(sql<{
      id: string;
      product: string;
      quantity: string;
      unit_price: number;
      currency: string;
      amount: number;
    }>`
      select id, product, quantity::text as quantity, unit_price, currency, amount from opportunity_line
      where tenant_id = ${tdb.tenantId} and opportunity_id = ${id} order by position, id`);
    return rows.map((r) => ({ ...r, quantity: Number(r.quantity) }));
  }

  /**
   * Replaces the product lines; while there are lines the deal's amount is their sum (one
   * currency per deal), written through the records engine so it is audited and evented.
   */
  async saveLines(
    actor: Actor,
    id: string,
    body: unknown,
  ): Promise<
    Array<{
      id: string;
      product: string;
      quantity: number;
      unit_price: number;
      currency: string;
      amount: number;
    }>
  > {
    const opp = await this.opportunity(actor, id, true);
    const parsed = linesSchema.safeParse(body);
    if (!parsed.success) throw invalid(zodIssues('lines', parsed.error));
    const lines = parsed.data;
    const currency = lines[0]?.currency;
    const mixed = lines.flatMap((l, i) =>
      l.currency === currency ? [] : [{ field: `lines[${i}].currency`, issue: 'invalid_currency' as const }],
    );
    if (mixed.length) throw invalid(mixed);
    const total = lines.reduce((s, l) => s + Math.round(l.quantity * l.unit_price), 0);
    if (!Number.isSafeInteger(total)) throw invalid([{ field: 'lines', issue: 'invalid_value' }]);
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      await tx.exec0(
        sql`delete from opportunity_line where tenant_id = ${tx.tenantId} and opportunity_id = ${id}`,
      );
      for (const [i, l] of lines.entries())
        await tx.exec0(sql`insert into opportunity_line (tenant_id, id, opportunity_id, position, product, quantity, unit_price, currency, amount)
          values (${tx.tenantId}, ${newId()}, ${id}, ${i}, ${l.product}, ${l.quantity}, ${l.unit_price}, ${l.currency}, ${Math.round(l.quantity * l.unit_price)})`);
      if (currency) {
        const cur = opp.amount as { amount: number; currency: string } | null;
        if (!cur || cur.amount !== total || cur.currency !== currency)
          await this.p.records.update(
            actor,
            'opportunity',
            id,
            { amount: { amount: total, currency } },
            { tx },
          );
      }
      await writeAudit(tx, actor, [
        { action: 'update', object: 'opportunity', recordId: id, changes: { lines: [null, lines] } },
      ]);
    });
    return this.linesOf(this.tdb(actor.tenantId), id);
  }

  // --- kanban ---

  /**
   * Columns of one pipeline (every stage in order) with count, amount and weighted amount per
   * currency, and the first `limit` cards per column (most recently updated first) — two queries
   * over the caller's record scope.
   */
  async kanban(
    actor: Actor,
    q: { pipeline_id?: string | undefined; owner_id?: string | undefined; limit: number },
  ): Promise<{ pipeline_id: string; columns: KanbanColumn[] }> {
    if (!can(actor, 'opportunity', 'read')) throw forbidden();
    const pipelines = await this.pipelines(actor.tenantId);
    const p = q.pipeline_id
      ? pipelines.find((x) => x.id === q.pipeline_id)
      : (pipelines.find((x) => x.isDefault) ?? pipelines[0]);
    if (!p)
      throw invalid([
        { field: 'pipeline_id', issue: 'invalid_option', params: { value: String(q.pipeline_id) } },
      ]);
    const tdb = this.tdb(actor.tenantId);
    const t = actor.tenantId;
    const showAmount = fieldAccess(actor, 'opportunity', 'amount') !== 'hidden';
    const where = sql`t.tenant_id = ${t} and t.deleted_at is null and t.pipeline_id = ${p.id}
      ${q.owner_id ? sql`and t.owner_id = ${q.owner_id}` : sql``} and ${scopePredicate(actor, 'opportunity')}`;
    const stageProb = sql`(select s.probability from sales_stage s where s.tenant_id = t.tenant_id and s.pipeline_id = t.pipeline_id and s.key = t.stage)`;
    const [totals, cards] = await Promise.all([
      tdb.query(sql<{
        stage: string;
        currency: string | null;
        n: number;
        amount: number | null;
        weighted: number | null;
      }>`
        select t.stage, t.amount_currency as currency, count(*)::int8 as n, sum(t.amount)::int8 as amount,
               round(sum(t.amount * coalesce(t.probability, ${stageProb}) / 100))::int8 as weighted
        from opportunity t where ${where} group by 1, 2`),
      tdb.query(sql<{
        id: string;
        name: string;
        account_id: string;
        account_name: string | null;
        amount: number | null;
        amount_currency: string | null;
        close_date: string | null;
        owner_id: string | null;
        owner_name: string | null;
        stage: string;
        days: number;
      }>`
        select o.id, o.name, o.account_id, o.amount, o.amount_currency, o.close_date, o.owner_id, o.stage, o.days,
               (select t.name from account t where t.tenant_id = ${t} and t.id = o.account_id and t.deleted_at is null
                  and ${can(actor, 'account', 'read') ? scopePredicate(actor, 'account') : sql`false`}) as account_name,
               (select u.name from app_user u where u.tenant_id = ${t} and u.id = o.owner_id) as owner_name
        from unnest(${p.stages.map((s) => s.key)}::text[]) with ordinality as st(key, pos)
        -- the first cards of each stage straight from opportunity_board_idx (a window over every
        -- deal of the pipeline sorted 100,000 rows: 260 ms vs 0.3 ms)
        cross join lateral (
          select t.id, t.name, t.account_id, t.amount, t.amount_currency, t.close_date::text as close_date, t.owner_id, t.stage,
                 floor(extract(epoch from (now() - t.stage_entered_at)) / 86400)::int as days
          from opportunity t where ${where} and t.stage = st.key
          order by t.updated_at desc, t.id desc limit ${q.limit}) o
        order by st.pos`),
    ]);
    const columns: KanbanColumn[] = p.stages.map((s) => {
      const mine = totals.filter((r) => r.stage === s.key);
      return {
        key: s.key,
        name: s.name,
        type: s.type,
        probability: s.probability,
        max_days: s.maxDays,
        count: mine.reduce((n, r) => n + Number(r.n), 0),
        amounts: showAmount
          ? mine
              .filter((r): r is typeof r & { currency: string } => r.currency !== null)
              .map((r) => ({
                currency: r.currency,
                amount: Number(r.amount ?? 0),
                weighted: Number(r.weighted ?? 0),
              }))
          : [],
        cards: cards
          .filter((c) => c.stage === s.key)
          .map((c) => ({
            id: c.id,
            name: c.name,
            account_id: c.account_id,
            account_name: c.account_name,
            amount:
              showAmount && c.amount !== null && c.amount_currency !== null
                ? { amount: Number(c.amount), currency: c.amount_currency }
                : null,
            close_date: c.close_date,
            owner_id: c.owner_id,
            owner_name: c.owner_name,
            days_in_stage: c.days,
            overdue: s.maxDays !== null && !isClosed(s) && c.days > s.maxDays,
          })),
      };
    });
    return { pipeline_id: p.id, columns };
  }
}
