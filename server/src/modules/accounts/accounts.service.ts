import { sql } from 'kysely';
import type { Platform } from '../../platform/platform.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { lockInTenant } from '../../platform/db/locks.ts';
import { newId, isUuid } from '../../platform/db/ids.ts';
import { AppError, badRequest, forbidden, invalid, notFound } from '../../platform/http/errors.ts';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import type { ListQuery } from '../../platform/records/query.rules.ts';
import type { Rec } from '../../platform/metadata/types.ts';
import { normaliseCompany, normalisePhone } from './normalise.rules.ts';
import { normaliseCreditCode } from './credit-code.rules.ts';
import {
  accountSettingsSchema,
  loadAccountSettings,
  loadFuzzyThreshold,
  type AccountSettings,
} from './settings.ts';
import { findAccountDuplicates, userNames, visibleAccountIds, type MatchedField } from './duplicates.ts';
import { buildOrgChart, type OrgNode } from './org-chart.rules.ts';

export type AccountState = 'pool' | 'owned' | 'won';

interface AccountRow {
  id: string;
  name: string;
  owner_id: string | null;
  pool_id: string | null;
  state: AccountState;
}

export type MoveKind = 'claimed' | 'returned' | 'assigned' | 'transferred' | 'reclaimed';

export interface AccountDuplicateHit {
  id: string;
  /** empty when the caller may not read the account */
  name: string;
  visible: boolean;
  owner_id: string | null;
  owner_name: string | null;
  state: string | null;
  matched: MatchedField[];
  similarity: number | null;
}

export interface TeamMember {
  user_id: string;
  name: string;
  role: string;
  access: 'read' | 'edit';
  added_at: Date;
}

export interface AccountOverview {
  account: Rec;
  contacts: Rec[];
  org_chart: OrgNode[];
  opportunities: Array<{ record: Rec; stage_name: unknown; stage_type: string | null }> | null;
  activities: { data: Rec[]; next_cursor: string | null } | null;
  open_tasks: Rec[] | null;
  events: unknown[];
  team: TeamMember[];
  slots: Record<'orders' | 'payments' | 'invoices' | 'tickets' | 'health' | 'renewals' | 'nps', null>;
}

const listQuery = (q: Partial<ListQuery> & Pick<ListQuery, 'filter'>): ListQuery => ({
  sort: [],
  limit: 200,
  expand: [],
  count: false,
  deleted: 'exclude',
  ...q,
});

/** Moves the account writes itself (never through a plain edit): pool state, owner, claim date. */
export async function moveAccount(
  tx: TenantDb,
  actor: { userId: string | null; apiKeyId: string | null },
  acc: AccountRow,
  kind: MoveKind,
  to: { owner: string | null; pool: string | null; state: AccountState },
  reason: string | null,
): Promise<void> {
  // a new holder starts the clock; back in a pool nobody holds it
  const claimedAt =
    to.state === 'pool' ? sql`null` : to.owner !== acc.owner_id ? sql`now()` : sql`claimed_at`;
  await tx.exec0(sql`update account set owner_id = ${to.owner}, pool_id = ${to.pool}, state = ${to.state},
      claimed_at = ${claimedAt}, updated_at = now(), updated_by = ${actor.userId}, version = version + 1
    where tenant_id = ${tx.tenantId} and id = ${acc.id}`);
  await tx.exec0(sql`insert into account_event (tenant_id, id, account_id, kind, actor_user_id, from_owner, to_owner, from_pool, to_pool, reason)
    values (${tx.tenantId}, ${newId()}, ${acc.id}, ${kind}, ${actor.userId}, ${acc.owner_id}, ${to.owner}, ${acc.pool_id}, ${to.pool}, ${reason})`);
  await writeAudit(tx, actor, [
    {
      action: 'update',
      object: 'account',
      recordId: acc.id,
      changes: {
        owner_id: [acc.owner_id, to.owner],
        pool_id: [acc.pool_id, to.pool],
        state: [acc.state, to.state],
      },
      meta: { kind, reason },
    },
  ]);
  await emitEvents(tx, actor.userId, [
    {
      type: `account.${kind}`,
      object: 'account',
      recordId: acc.id,
      payload: {
        id: acc.id,
        from_owner: acc.owner_id,
        to_owner: to.owner,
        from_pool: acc.pool_id,
        to_pool: to.pool,
        reason,
      },
    },
  ]);
}

/** The tenant's default pool: the first one created (null when there is none). */
export async function defaultPoolId(tx: TenantDb): Promise<string | null> {
  const r = await tx.one(
    sql<{
      id: string;
    }>`select id from account_pool where tenant_id = ${tx.tenantId} and deleted_at is null order by created_at, id limit 1`,
  );
  return r?.id ?? null;
}

/** Pools (claim / return / assign / transfer), team, duplicate check, 360° overview and settings. */
export class AccountsService {
  constructor(private readonly p: Platform) {}

  private tdb(tenantId: string): TenantDb {
    return TenantDb.for(this.p.db, tenantId);
  }

  async settings(actor: Actor): Promise<AccountSettings> {
    return loadAccountSettings(this.tdb(actor.tenantId));
  }

  async saveSettings(actor: Actor, input: unknown): Promise<AccountSettings> {
    if (!actor.isAdmin) throw forbidden();
    const parsed = accountSettingsSchema.safeParse(input);
    if (!parsed.success)
      throw invalid(
        parsed.error.issues
          .slice(0, 20)
          .map((i) => ({ field: i.path.join('.') || 'settings', issue: 'invalid_value' as const })),
      );
    const s = parsed.data;
    // grade rules name real account fields and grades the grade field offers
    const account = await this.p.registry.get(actor.tenantId, 'account');
    const grades = new Set(
      (account.fields.find((f) => f.apiName === 'grade')?.options ?? []).map((o) => o.value),
    );
    const fields = new Set(account.fields.filter((f) => !f.system).map((f) => f.apiName));
    const issues: Array<{ field: string; issue: 'invalid_option' | 'unknown_field' }> = [];
    s.gradeRules.forEach((r, i) => {
      if (!grades.has(r.grade)) issues.push({ field: `gradeRules.${i}.grade`, issue: 'invalid_option' });
      r.conditions.forEach((c, j) => {
        if (!fields.has(c.field) || c.field === 'grade')
          issues.push({ field: `gradeRules.${i}.conditions.${j}.field`, issue: 'unknown_field' });
      });
    });
    if (s.gradeFallback !== null && !grades.has(s.gradeFallback))
      issues.push({ field: 'gradeFallback', issue: 'invalid_option' });
    if (s.protection.hardLimitDays < s.protection.days)
      throw invalid([{ field: 'protection.hardLimitDays', issue: 'invalid_value' }]);
    if (issues.length) throw invalid(issues);
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const before = await loadAccountSettings(tx);
      await tx.exec0(
        sql`update tenant set settings = jsonb_set(settings, '{accounts}', ${JSON.stringify(s)}::jsonb) where id = ${actor.tenantId}`,
      );
      await writeAudit(tx, actor, [
        { action: 'admin', object: 'settings', recordId: null, changes: { accounts: [before, s] } },
      ]);
    });
    return loadAccountSettings(this.tdb(actor.tenantId));
  }

  private async lock(tx: TenantDb, id: string): Promise<AccountRow> {
    if (!isUuid(id)) throw notFound();
    const a = await tx.one(
      sql<AccountRow>`select id, name, owner_id, pool_id,
          coalesce(state, case when owner_id is null then 'pool' else 'owned' end) as state
        from account where tenant_id = ${tx.tenantId} and id = ${id} and deleted_at is null for update`,
    );
    if (!a) throw notFound();
    return a;
  }

  /** 404 unless the actor may read the account (no telling whether ids exist). */
  private async mustSee(actor: Actor, id: string): Promise<void> {
    await this.p.records.get(actor, 'account', id, { fields: ['id'] });
  }

  private async poolRole(
    tx: TenantDb,
    poolId: string | null,
    userId: string | null,
  ): Promise<'admin' | 'member' | null> {
    if (!poolId || !userId) return null;
    const r = await tx.one(
      sql<{
        role: 'admin' | 'member';
      }>`select role from account_pool_member where tenant_id = ${tx.tenantId} and pool_id = ${poolId} and user_id = ${userId}`,
    );
    return r?.role ?? null;
  }

  private async isPoolAdmin(tx: TenantDb, actor: Actor, poolId: string | null): Promise<boolean> {
    return actor.isAdmin || (await this.poolRole(tx, poolId, actor.userId)) === 'admin';
  }

  private async checkPool(tx: TenantDb, poolId: string): Promise<void> {
    if (
      !isUuid(poolId) ||
      !(await tx.one(
        sql`select 1 from account_pool where tenant_id = ${tx.tenantId} and id = ${poolId} and deleted_at is null`,
      ))
    )
      throw invalid([{ field: 'pool_id', issue: 'invalid_reference' }]);
  }

  /**
   * A pool member takes an account waiting in the pool, within the smaller of the global holding
   * limit and the pool's own limit (counting only accounts claimed from that pool).
   */
  async claim(actor: Actor, id: string): Promise<void> {
    if (!actor.userId) throw new AppError('forbidden', 'session_required');
    const userId = actor.userId;
    await this.mustSee(actor, id);
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const acc = await this.lock(tx, id);
      if (acc.state !== 'pool' || acc.owner_id || !acc.pool_id)
        throw new AppError('conflict', 'account_not_claimable');
      const pool = await tx.one(
        sql<{
          visibility: string | null;
          claim_cap: number | null;
        }>`select visibility, claim_cap from account_pool where tenant_id = ${tx.tenantId} and id = ${acc.pool_id}`,
      );
      const role = await this.poolRole(tx, acc.pool_id, userId);
      if (!role && !actor.isAdmin) throw new AppError('forbidden', 'not_account_pool_member');
      if (pool?.visibility === 'admin_assign' && role !== 'admin' && !actor.isAdmin)
        throw new AppError('forbidden', 'admin_assign_pool');
      // Serialise this user's claims so two parallel claims cannot both pass the limit.
      await lockInTenant(tx, `account-claim:${userId}`);
      const s = await loadAccountSettings(tx);
      const states = s.wonCountsTowardLimit ? ['owned', 'won'] : ['owned'];
      const held = await tx.one(sql<{ total: number; here: number }>`
        select count(*)::int8 as total, count(*) filter (where pool_id = ${acc.pool_id})::int8 as here
        from account where tenant_id = ${tx.tenantId} and owner_id = ${userId} and deleted_at is null
          and coalesce(state, 'owned') = any(${states}::text[])`);
      const poolCap = pool?.claim_cap ?? null;
      const limit = poolCap === null ? s.holdingLimit : Math.min(s.holdingLimit, poolCap);
      if ((held?.total ?? 0) >= s.holdingLimit || (poolCap !== null && (held?.here ?? 0) >= poolCap))
        throw new AppError('validation_failed', 'account_limit_reached', [], { limit });
      // The previous owner waits out the cooldown (no handing an account back to reset its timers).
      if (s.reclaimCooldownDays > 0) {
        const left = await tx.one(sql<{ until: Date }>`
          select max(at) + make_interval(days => ${s.reclaimCooldownDays}) as until from account_event
          where tenant_id = ${tx.tenantId} and account_id = ${acc.id} and from_owner = ${userId}
            and kind in ('returned', 'reclaimed', 'transferred')
          having max(at) + make_interval(days => ${s.reclaimCooldownDays}) > now()`);
        if (left)
          throw new AppError('validation_failed', 'account_reclaim_cooldown', [], {
            until: todayIn(actor.timeZone, left.until),
          });
      }
      await moveAccount(
        tx,
        actor,
        acc,
        'claimed',
        { owner: userId, pool: acc.pool_id, state: 'owned' },
        null,
      );
    });
  }

  /** The owner (or an admin) puts an account back in a pool, with a reason (退回公海). */
  async returnToPool(
    actor: Actor,
    id: string,
    input: { reason: string; pool_id?: string | null | undefined },
  ) {
    const reason = input.reason.trim();
    if (!reason) throw invalid([{ field: 'reason', issue: 'required' }]);
    await this.mustSee(actor, id);
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const acc = await this.lock(tx, id);
      if (acc.owner_id !== actor.userId && !(await this.isPoolAdmin(tx, actor, acc.pool_id)))
        throw forbidden();
      if (acc.state !== 'owned') throw new AppError('conflict', 'account_state_conflict');
      const pool = input.pool_id ?? acc.pool_id ?? (await defaultPoolId(tx));
      if (!pool) throw invalid([{ field: 'pool_id', issue: 'required' }]);
      await this.checkPool(tx, pool);
      await moveAccount(tx, actor, acc, 'returned', { owner: null, pool, state: 'pool' }, reason);
    });
  }

  /** Pool admins (of the account's pool) and tenant admins give an account to someone. */
  async assign(actor: Actor, id: string, ownerId: string, reason: string | null): Promise<void> {
    await this.mustSee(actor, id);
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const acc = await this.lock(tx, id);
      if (!(await this.isPoolAdmin(tx, actor, acc.pool_id))) throw forbidden();
      if (
        !isUuid(ownerId) ||
        !(await tx.one(
          sql`select 1 from app_user where tenant_id = ${tx.tenantId} and id = ${ownerId} and status = 'active'`,
        ))
      )
        throw invalid([{ field: 'owner_id', issue: 'invalid_reference' }]);
      if (acc.owner_id === ownerId) return;
      await moveAccount(
        tx,
        actor,
        acc,
        'assigned',
        { owner: ownerId, pool: acc.pool_id, state: acc.state === 'won' ? 'won' : 'owned' },
        reason,
      );
    });
  }

  /** Admins of the account's pool (or tenant admins) move it to another pool, nobody holding it. */
  async transfer(actor: Actor, id: string, poolId: string, reason: string | null): Promise<void> {
    await this.mustSee(actor, id);
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const acc = await this.lock(tx, id);
      if (!(await this.isPoolAdmin(tx, actor, acc.pool_id))) throw forbidden();
      if (acc.state === 'won') throw new AppError('conflict', 'account_state_conflict');
      await this.checkPool(tx, poolId);
      if (poolId === acc.pool_id && acc.state === 'pool')
        throw invalid([{ field: 'pool_id', issue: 'invalid_value' }]);
      await moveAccount(tx, actor, acc, 'transferred', { owner: null, pool: poolId, state: 'pool' }, reason);
    });
  }

  async poolMembers(
    actor: Actor,
    poolId: string,
  ): Promise<Array<{ user_id: string; role: string; name: string }>> {
    await this.p.records.get(actor, 'account_pool', poolId, { fields: ['id'] });
    return this.tdb(actor.tenantId).query(sql<{ user_id: string; role: string; name: string }>`
      select m.user_id, m.role, u.name from account_pool_member m join app_user u on u.tenant_id = m.tenant_id and u.id = m.user_id
      where m.tenant_id = ${actor.tenantId} and m.pool_id = ${poolId} order by m.role, u.name, m.user_id`);
  }

  async setPoolMembers(
    actor: Actor,
    poolId: string,
    members: Array<{ user_id: string; role: 'member' | 'admin' }>,
  ): Promise<void> {
    if (!actor.isAdmin) throw forbidden();
    await this.p.records.get(actor, 'account_pool', poolId, { fields: ['id'] });
    const ids = members.map((m) => m.user_id);
    if (ids.some((u) => !isUuid(u))) throw invalid([{ field: 'members', issue: 'invalid_reference' }]);
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const known = await tx.query(
        sql<{
          id: string;
        }>`select id from app_user where tenant_id = ${tx.tenantId} and id = any(${ids}::uuid[])`,
      );
      if (known.length !== new Set(ids).size)
        throw invalid([{ field: 'members', issue: 'invalid_reference' }]);
      const before = await tx.query(
        sql`select user_id, role from account_pool_member where tenant_id = ${tx.tenantId} and pool_id = ${poolId} order by user_id`,
      );
      await tx.exec0(
        sql`delete from account_pool_member where tenant_id = ${tx.tenantId} and pool_id = ${poolId}`,
      );
      for (const m of members)
        await tx.exec0(
          sql`insert into account_pool_member (tenant_id, pool_id, user_id, role) values (${tx.tenantId}, ${poolId}, ${m.user_id}, ${m.role}) on conflict do nothing`,
        );
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'account_pool',
          recordId: poolId,
          changes: { members: [before, members] },
        },
      ]);
    });
  }

  private async teamOf(tx: TenantDb, id: string): Promise<TeamMember[]> {
    return tx.query(sql<TeamMember>`
      select m.user_id, u.name, m.role, m.access, m.added_at from account_team_member m
      join app_user u on u.tenant_id = m.tenant_id and u.id = m.user_id
      where m.tenant_id = ${tx.tenantId} and m.account_id = ${id} order by m.added_at, u.name, m.user_id`);
  }

  async team(actor: Actor, id: string): Promise<TeamMember[]> {
    await this.mustSee(actor, id);
    return this.teamOf(this.tdb(actor.tenantId), id);
  }

  /** The owner or a tenant admin replaces the account team (people working it beside the owner). */
  async setTeam(
    actor: Actor,
    id: string,
    members: Array<{ user_id: string; role: string; access: 'read' | 'edit' }>,
  ): Promise<TeamMember[]> {
    await this.mustSee(actor, id);
    const ids = members.map((m) => m.user_id);
    if (ids.some((u) => !isUuid(u)) || new Set(ids).size !== ids.length)
      throw invalid([{ field: 'members', issue: 'invalid_reference' }]);
    return this.tdb(actor.tenantId).transaction(async (tx) => {
      const acc = await this.lock(tx, id);
      if (acc.owner_id !== actor.userId && !actor.isAdmin) throw forbidden();
      const known = await tx.query(
        sql<{
          id: string;
        }>`select id from app_user where tenant_id = ${tx.tenantId} and id = any(${ids}::uuid[]) and status = 'active'`,
      );
      if (known.length !== ids.length) throw invalid([{ field: 'members', issue: 'invalid_reference' }]);
      const before = await this.teamOf(tx, id);
      await tx.exec0(
        sql`delete from account_team_member where tenant_id = ${tx.tenantId} and account_id = ${id}`,
      );
      const since = new Map(before.map((m) => [m.user_id, m.added_at]));
      for (const m of members)
        await tx.exec0(sql`insert into account_team_member (tenant_id, account_id, user_id, role, access, added_at)
          values (${tx.tenantId}, ${id}, ${m.user_id}, ${m.role}, ${m.access}, ${since.get(m.user_id) ?? new Date()})`);
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'account',
          recordId: id,
          changes: {
            team: [before.map((m) => ({ user_id: m.user_id, role: m.role, access: m.access })), members],
          },
        },
      ]);
      await emitEvents(tx, actor.userId, [
        { type: 'account.team_changed', object: 'account', recordId: id, payload: { id, members } },
      ]);
      return this.teamOf(tx, id);
    });
  }

  /** Accounts matching a would-be account; names and owners only of accounts the caller may read. */
  async duplicates(
    actor: Actor,
    q: {
      name?: string | undefined;
      phone?: string | undefined;
      credit_code?: string | undefined;
      exclude_id?: string | undefined;
    },
  ): Promise<AccountDuplicateHit[]> {
    if (!can(actor, 'account', 'read') && !can(actor, 'account', 'create')) throw forbidden();
    const phone = q.phone?.trim() ? normalisePhone(q.phone) : null;
    if (q.phone?.trim() && !phone) throw invalid([{ field: 'phone', issue: 'invalid_phone' }]);
    if (q.exclude_id && !isUuid(q.exclude_id))
      throw badRequest([{ field: 'exclude_id', issue: 'invalid_value' }]);
    const probe = {
      nameNorm: q.name?.trim() ? normaliseCompany(q.name) : null,
      phone: phone ?? null,
      creditCode: q.credit_code?.trim() ? normaliseCreditCode(q.credit_code) : null,
    };
    return this.tdb(actor.tenantId).transaction(async (tx) => {
      const hits = await findAccountDuplicates(tx, probe, await loadFuzzyThreshold(tx), q.exclude_id ?? null);
      const visible = await visibleAccountIds(
        tx,
        actor,
        hits.map((h) => h.id),
      );
      const names = await userNames(
        tx,
        hits.filter((h) => visible.has(h.id) && h.owner_id).map((h) => h.owner_id as string),
      );
      return hits.map((h) => {
        const v = visible.has(h.id);
        return {
          ...h,
          name: v ? h.name : '',
          visible: v,
          owner_id: v ? h.owner_id : null,
          owner_name: v && h.owner_id ? (names.get(h.owner_id) ?? null) : null,
        };
      });
    });
  }

  /**
   * The 360° view: the account and everything around it the caller may read — contacts with
   * their org chart, opportunities with stage names, the activity timeline (newest first, by
   * cursor), open tasks, pool moves and the team. Modules not built yet are `null` slots.
   * A section is null when the caller may not read that object at all.
   */
  /**
   * For a page of pool accounts: the latest move that put each into its pool (when, from whom,
   * why) — one query for the page instead of one overview per row. Unreadable ids are left out.
   */
  async poolEntries(
    actor: Actor,
    ids: string[],
  ): Promise<
    Array<{
      account_id: string;
      entered_at: Date;
      kind: string;
      from_owner_id: string | null;
      from_owner_name: string | null;
      reason: string | null;
    }>
  > {
    if (!can(actor, 'account', 'read')) throw forbidden();
    if (ids.some((x) => !isUuid(x))) throw badRequest([{ field: 'ids', issue: 'invalid_value' }]);
    return this.tdb(actor.tenantId).transaction(async (tx) => {
      const visible = [...(await visibleAccountIds(tx, actor, ids))];
      if (!visible.length) return [];
      return tx.query(sql<{
        account_id: string;
        entered_at: Date;
        kind: string;
        from_owner_id: string | null;
        from_owner_name: string | null;
        reason: string | null;
      }>`select distinct on (e.account_id) e.account_id, e.at as entered_at, e.kind, e.from_owner as from_owner_id,
                u.name as from_owner_name, e.reason
         from account_event e left join app_user u on u.tenant_id = e.tenant_id and u.id = e.from_owner
         where e.tenant_id = ${tx.tenantId} and e.account_id = any(${visible}::uuid[]) and e.to_pool is not null and e.to_owner is null
         order by e.account_id, e.at desc`);
    });
  }

  async overview(actor: Actor, id: string, cursor?: string): Promise<AccountOverview> {
    const account = await this.p.records.get(actor, 'account', id);
    const eq = (field: string, value: unknown) => ({ field, op: 'eq' as const, value });
    const tdb = this.tdb(actor.tenantId);
    const readable = async (object: string): Promise<boolean> =>
      (await this.p.registry.objects(actor.tenantId)).has(object) && can(actor, object, 'read');

    const contacts = (await readable('contact'))
      ? (
          await this.p.records.list(
            actor,
            'contact',
            listQuery({ filter: [eq('account_id', id)], sort: [{ field: 'name', desc: false }] }),
          )
        ).data
      : [];

    let opportunities: AccountOverview['opportunities'] = null;
    if (await readable('opportunity')) {
      const opps = (
        await this.p.records.list(
          actor,
          'opportunity',
          listQuery({ filter: [eq('account_id', id)], sort: [{ field: 'created_at', desc: true }] }),
        )
      ).data;
      const ids = opps.map((o) => String(o.id));
      // stage names and types from the sales tables by SQL (this module does not import sales)
      const stages = ids.length
        ? await tdb.query(sql<{ id: string; stage_name: unknown; stage_type: string }>`
            select o.id, s.name as stage_name, s.type as stage_type from opportunity o
            join sales_stage s on s.tenant_id = o.tenant_id and s.pipeline_id = o.pipeline_id and s.key = o.stage
            where o.tenant_id = ${actor.tenantId} and o.id = any(${ids}::uuid[])`)
        : [];
      const byId = new Map(stages.map((s) => [s.id, s]));
      opportunities = opps.map((o) => ({
        record: o,
        stage_name: byId.get(String(o.id))?.stage_name ?? null,
        stage_type: byId.get(String(o.id))?.stage_type ?? null,
      }));
    }

    const activities = (await readable('activity'))
      ? await this.p.records.list(
          actor,
          'activity',
          listQuery({
            filter: [eq('account_id', id)],
            sort: [{ field: 'occurred_at', desc: true }],
            limit: 50,
            ...(cursor ? { cursor } : {}),
          }),
        )
      : null;

    const openTasks = (await readable('task'))
      ? (
          await this.p.records.list(
            actor,
            'task',
            listQuery({
              filter: [eq('account_id', id), eq('status', 'open')],
              sort: [{ field: 'due_at', desc: false }],
            }),
          )
        ).data
      : null;

    const events = await tdb.query(sql`
      select e.id, e.at, e.kind, e.reason, e.from_owner, e.to_owner, e.from_pool, e.to_pool, u.name as actor_name
      from account_event e left join app_user u on u.tenant_id = e.tenant_id and u.id = e.actor_user_id
      where e.tenant_id = ${actor.tenantId} and e.account_id = ${id} order by e.at desc, e.id desc limit 100`);

    return {
      account,
      contacts,
      org_chart: buildOrgChart(
        contacts.map((c) => ({
          id: String(c.id),
          name: String(c.name ?? ''),
          title: typeof c.title === 'string' ? c.title : null,
          role: typeof c.role === 'string' ? c.role : null,
          reports_to: typeof c.reports_to === 'string' ? c.reports_to : null,
        })),
      ),
      opportunities,
      activities: activities ? { data: activities.data, next_cursor: activities.next_cursor } : null,
      open_tasks: openTasks,
      events,
      team: await this.teamOf(tdb, id),
      slots: {
        orders: null,
        payments: null,
        invoices: null,
        tickets: null,
        health: null,
        renewals: null,
        nps: null,
      },
    };
  }
}
