import { sql } from 'kysely';
import type { TenantDb } from '../../platform/db/tenant-db.ts';
import { pickByLoad, pickRoundRobin, ruleMatches } from './assignment.rules.ts';
import type { LeadSettings } from './settings.ts';
import { poolUsersSql } from './pool-members.ts';

export interface Assignment {
  owner_id: string | null;
  pool_id: string | null;
  rule: string | null;
}

/**
 * Runs the tenant's assignment rules in order (first match wins); falls back to the pool's
 * default assignee, else the lead waits unassigned in its pool.
 */
export async function assignLead(
  tx: TenantDb,
  lead: Record<string, unknown>,
  s: LeadSettings,
  poolId: string | null,
  today: string,
  timeZone: string,
  /** leads given out earlier in the same batch, not inserted yet: they count towards load and caps */
  pending: Map<string, number> = new Map(),
): Promise<Assignment> {
  const t = tx.tenantId;
  for (const rule of s.assignmentRules) {
    if (!ruleMatches(rule, lead)) continue;
    // Active members only: a disabled user gets no leads. A rule naming a pool adds the pool's
    // members (users and everyone in its member departments) after the listed users, by id.
    const active = await tx.query(
      sql<{
        id: string;
      }>`select id from app_user where tenant_id = ${t} and status = 'active' and (id = any(${rule.members}::uuid[])
          ${rule.poolId ? sql`or id in (${poolUsersSql(t, rule.poolId)})` : sql``}) order by id`,
    );
    const members = [
      ...rule.members.filter((m) => active.some((a) => a.id === m)),
      ...active.map((a) => a.id).filter((id) => !rule.members.includes(id)),
    ];
    if (!members.length) continue;
    const counts = await tx.query(sql<{ owner_id: string; open: number; today: number }>`
      select owner_id, count(*) filter (where status in ('pending', 'in_progress'))::int8 as open,
             count(*) filter (where assigned_at >= (${today}::date::timestamp at time zone ${timeZone}))::int8 as today
      from lead where tenant_id = ${t} and deleted_at is null and owner_id = any(${members}::uuid[]) group by owner_id`);
    const byUser = new Map(counts.map((c) => [c.owner_id, c]));
    const open = (m: string): number => (byUser.get(m)?.open ?? 0) + (pending.get(m) ?? 0);
    const todays = (m: string): number => (byUser.get(m)?.today ?? 0) + (pending.get(m) ?? 0);
    const live = { ...rule, members };
    let pick: string | undefined;
    if (rule.strategy === 'round_robin') {
      // Lock the rule's pointer: concurrent captures take turns instead of both picking the same person.
      await tx.exec0(
        sql`insert into lead_assign_state (tenant_id, rule_id) values (${t}, ${rule.id}) on conflict do nothing`,
      );
      const st = await tx.one(
        sql<{
          last_user_id: string | null;
        }>`select last_user_id from lead_assign_state where tenant_id = ${t} and rule_id = ${rule.id} for update`,
      );
      pick = pickRoundRobin(
        live,
        st?.last_user_id ?? null,
        Object.fromEntries(members.map((m) => [m, todays(m)])),
      );
      if (pick)
        await tx.exec0(
          sql`update lead_assign_state set last_user_id = ${pick} where tenant_id = ${t} and rule_id = ${rule.id}`,
        );
    } else {
      pick = pickByLoad(
        live,
        members.map((m) => ({
          userId: m,
          openLeads: open(m),
          assignedToday: todays(m),
        })),
      );
    }
    if (pick) {
      pending.set(pick, (pending.get(pick) ?? 0) + 1);
      return { owner_id: pick, pool_id: poolId, rule: rule.id };
    }
  }
  if (poolId) {
    const pool = await tx.one(
      sql<{
        default_assignee: string | null;
      }>`select default_assignee from lead_pool where tenant_id = ${t} and id = ${poolId} and deleted_at is null`,
    );
    if (pool?.default_assignee)
      return { owner_id: pool.default_assignee, pool_id: poolId, rule: 'pool_default' };
  }
  return { owner_id: null, pool_id: poolId, rule: null };
}
