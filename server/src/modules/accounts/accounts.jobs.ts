import { sql } from 'kysely';
import type { JobDef } from '../../platform/jobs/jobs.types.ts';
import { tenantTimeZone } from '../../platform/jobs/tenant-zone.ts';
import { addNotifications } from '../../platform/notify/notify.service.ts';
import { computeGrade } from './grade.rules.ts';
import { DEFAULT_POOL_TIMERS, planReclaim, reclaimAction, type ReclaimReason } from './reclaim.rules.ts';
import { loadAccountSettings } from './settings.ts';
import { defaultPoolId, moveAccount, type AccountState } from './accounts.service.ts';

interface Candidate {
  id: string;
  name: string;
  owner_id: string;
  pool_id: string | null;
  target_pool: string;
  claimed_on: string;
  /** claimed from a pool (the protection rule applies), not created by its owner */
  claimed: boolean;
  follow_ups: string[] | null;
  no_followup_days: number | null;
  no_won_days: number | null;
  warn_days: number | null;
}

const REASON_TEXT: Record<ReclaimReason, (days: number) => string> = {
  no_followup: (d) => `${d} 天未跟进，自动回收`,
  no_won: (d) => `${d} 天未成交，自动回收`,
  protection: () => '保护期到期，自动回收',
};

/**
 * Account reclaim (DOMAIN.md §2), as of a date in the tenant's time zone: owned, not-won accounts
 * go back to their pool (accounts that never were in one: to the tenant's first pool; skipped
 * when there is none) on the earliest of the pool's timers and the protection period
 * (reclaim.rules.ts). Owners are warned `warn_days` before, once per account and reclaim date.
 */
export const accountReclaimJob: JobDef = {
  name: 'accounts.reclaim',
  schedule: '40 8 * * *',
  description: {
    'zh-CN': '客户公海回收：未跟进/未成交到期回收，回收前提醒',
    'en-US': 'Account reclaim: back to the pool after the timers run out, with a warning first',
  },
  async run({ tenantId, asOf, tdb }) {
    return tdb.transaction(async (tx) => {
      const s = await loadAccountSettings(tx);
      const fallbackPool = await defaultPoolId(tx);
      const tz = await tenantTimeZone(tx);
      const day = (col: ReturnType<typeof sql>) => sql`to_char(${col} at time zone ${tz}, 'YYYY-MM-DD')`;
      // End of the as-of day in the tenant's zone: accounts claimed later are not considered.
      const moment = sql`((${asOf}::date + 1)::timestamp at time zone ${tz})`;
      const since = sql`coalesce(a.claimed_at, a.created_at)`;
      const rows = await tx.query(sql<Candidate>`
        select a.id, a.name, a.owner_id, a.pool_id, p.id as target_pool, a.claimed_at is not null as claimed,
               ${day(since)} as claimed_on,
               array(select distinct ${day(sql`x.occurred_at`)} from activity x
                     where x.tenant_id = a.tenant_id and x.account_id = a.id and x.deleted_at is null
                       and x.occurred_at >= ${since} and x.occurred_at < ${moment})
                 || case when a.last_followed_at is not null and a.last_followed_at < ${moment}
                         then array[${day(sql`a.last_followed_at`)}] else array[]::text[] end as follow_ups,
               p.no_followup_days, p.no_won_days, p.warn_days
        from account a
        join account_pool p on p.tenant_id = a.tenant_id and p.id = coalesce(a.pool_id, ${fallbackPool}::uuid)
          and p.deleted_at is null
        where a.tenant_id = ${tenantId} and a.deleted_at is null and a.owner_id is not null
          and coalesce(a.state, 'owned') = 'owned' and ${since} < ${moment}
        order by a.id`);
      let reclaimed = 0;
      let warnings = 0;
      const lost = new Map<string, string[]>();
      for (const r of rows) {
        const timers = {
          noFollowupDays: r.no_followup_days ?? DEFAULT_POOL_TIMERS.noFollowupDays,
          noWonDays: r.no_won_days ?? DEFAULT_POOL_TIMERS.noWonDays,
          warnDays: r.warn_days ?? DEFAULT_POOL_TIMERS.warnDays,
        };
        const plan = planReclaim(
          r.claimed_on,
          r.follow_ups ?? [],
          timers,
          s.protection.enabled && r.claimed ? s.protection : null,
        );
        const action = reclaimAction(asOf, plan);
        if (action === 'warn') {
          const fresh =
            await tx.exec0(sql`insert into account_reclaim_warning (tenant_id, account_id, reclaim_on)
            values (${tenantId}, ${r.id}, ${plan.reclaimOn}) on conflict do nothing`);
          if (fresh) {
            warnings++;
            await addNotifications(tx, [
              {
                userId: r.owner_id,
                kind: 'account.reclaim_warning',
                title: `客户「${r.name}」将于 ${plan.reclaimOn} 被回收到公海`,
                body: REASON_TEXT[plan.reason](
                  plan.reason === 'no_won' ? timers.noWonDays : timers.noFollowupDays,
                ),
                link: `/o/account/${r.id}`,
              },
            ]);
          }
        }
        if (action !== 'reclaim') continue;
        // re-read under lock: a claim, return or won deal may have moved it since the scan
        const acc = await tx.one(sql<{
          id: string;
          name: string;
          owner_id: string | null;
          pool_id: string | null;
          state: AccountState;
        }>`
          select id, name, owner_id, pool_id, coalesce(state, 'owned') as state from account
          where tenant_id = ${tenantId} and id = ${r.id} and deleted_at is null for update`);
        if (!acc || acc.owner_id !== r.owner_id || acc.state !== 'owned') continue;
        const reason = REASON_TEXT[plan.reason](
          plan.reason === 'no_won' ? timers.noWonDays : timers.noFollowupDays,
        );
        await moveAccount(
          tx,
          { userId: null, apiKeyId: null },
          acc,
          'reclaimed',
          { owner: null, pool: r.target_pool, state: 'pool' },
          reason,
        );
        reclaimed++;
        lost.set(r.owner_id, [...(lost.get(r.owner_id) ?? []), r.name]);
      }
      await addNotifications(
        tx,
        [...lost].map(([userId, names]) => ({
          userId,
          kind: 'account.reclaimed',
          title: `${names.length} 个客户已回收到公海`,
          body: names.slice(0, 10).join('、'),
        })),
      );
      return { as_of: asOf, checked: rows.length, warnings, reclaimed };
    });
  },
};

const GRADE_BATCH = 1000;

/**
 * Nightly grade recomputation with the tenant's grade rules (accounts also get their grade on
 * every create and edit; this catches rule changes). Writes only grades that change; not audited
 * (a derived value, like a lead score). Nothing to do without rules.
 */
export const accountGradeJob: JobDef = {
  name: 'accounts.grade',
  schedule: '20 2 * * *',
  description: {
    'zh-CN': '按客户分级规则重新计算客户等级',
    'en-US': 'Recompute account grades with the grade rules',
  },
  async run({ tenantId, asOf, tdb }) {
    const s = await loadAccountSettings(tdb);
    if (!s.gradeRules.length) return { as_of: asOf, checked: 0, changed: 0, skipped: 'no rules' };
    let after = '00000000-0000-0000-0000-000000000000';
    let checked = 0;
    let changed = 0;
    for (;;) {
      const rows = await tdb.query(sql<
        Record<string, unknown> & { id: string; grade: string | null; custom: Record<string, unknown> | null }
      >`
        select * from account where tenant_id = ${tenantId} and deleted_at is null and id > ${after}
        order by id limit ${GRADE_BATCH}`);
      if (!rows.length) break;
      const ids: string[] = [];
      const grades: Array<string | null> = [];
      for (const r of rows) {
        // custom fields live in the jsonb column; standard ones (currency amounts in minor units) in columns
        const next = computeGrade({ ...(r.custom ?? {}), ...r }, s.gradeRules, s.gradeFallback);
        if (next !== undefined && next !== r.grade) {
          ids.push(r.id);
          grades.push(next);
        }
      }
      if (ids.length)
        changed +=
          await tdb.exec0(sql`update account a set grade = v.grade, updated_at = now(), version = a.version + 1
          from unnest(${ids}::uuid[], ${grades}::text[]) as v(id, grade)
          where a.tenant_id = ${tenantId} and a.id = v.id`);
      checked += rows.length;
      after = rows[rows.length - 1]?.id ?? after;
      if (rows.length < GRADE_BATCH) break;
    }
    return { as_of: asOf, checked, changed };
  },
};
