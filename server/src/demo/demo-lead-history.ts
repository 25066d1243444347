import { sql } from 'kysely';
import type { Platform } from '../platform/platform.ts';
import type { Actor } from '../platform/access/permissions.ts';
import { TenantDb } from '../platform/db/tenant-db.ts';
import { loadActor } from '../platform/identity/actor.ts';
import { leadTimersJob, type LeadsService } from '../modules/leads/index.ts';
import { todayIn } from '../platform/jobs/dates.rules.ts';
import type { Rng } from './generator.ts';
import { intBetween, mobile, personName, pick } from './generator.ts';

const DAY = 86_400_000;

/**
 * Gives the demo leads a past: capture dates spread over the last 90 days (more recent ones more
 * often), then what happens to leads in real life — conversions, invalid ones, give-backs, claims
 * from the pools, repeat submissions, campaign attendance, suspected duplicates — all through the
 * lead service, so timelines, audit and analytics are the real thing. Finally the pool timers run
 * as of today and recycle what nobody followed up. Only the dates are set by hand.
 */
export async function shapeLeadHistory(
  p: Platform,
  leads: LeadsService,
  admin: Actor,
  rng: Rng,
  leadIds: string[],
  campaignIds: string[],
): Promise<Record<string, number>> {
  const t = admin.tenantId;
  const tdb = TenantDb.for(p.db, t);
  const now = Date.now();
  const actors = new Map<string, Actor>();
  const actorOf = async (userId: string): Promise<Actor> => {
    let a = actors.get(userId);
    if (!a) {
      a = (await loadActor(p.db, t, { userId })) ?? admin;
      actors.set(userId, a);
    }
    return a;
  };
  // Newer leads are commoner: the square skews ages towards today.
  const ageOf = new Map<string, number>();
  for (const id of leadIds) {
    const age = Math.floor(rng() ** 2 * 88) + 1;
    ageOf.set(id, age);
    const at = new Date(now - age * DAY - intBetween(rng, 0, 8) * 3_600_000).toISOString();
    await tdb.exec0(sql`update lead set created_at = ${at}, updated_at = ${at},
        assigned_at = case when owner_id is null then null else ${at}::timestamptz + interval '20 minutes' end
      where tenant_id = ${t} and id = ${id}`);
    await tdb.exec0(sql`update lead_touch set at = ${at} where tenant_id = ${t} and lead_id = ${id}`);
    await tdb.exec0(
      sql`update lead_event set at = ${at}::timestamptz + interval '20 minutes' where tenant_id = ${t} and lead_id = ${id}`,
    );
  }
  /** Moves the newest timeline event of a lead to `days` after its capture (never in the future). */
  const dateLastEvent = async (id: string, days: number): Promise<void> => {
    const age = ageOf.get(id) ?? 0;
    const at = new Date(now - Math.max(0, age - days) * DAY + intBetween(rng, 1, 6) * 3_600_000);
    const when = new Date(Math.min(at.getTime(), now - 60_000)).toISOString();
    await tdb.exec0(sql`update lead_event set at = ${when} where tenant_id = ${t} and id = (
      select id from lead_event where tenant_id = ${t} and lead_id = ${id} order by at desc, id desc limit 1)`);
  };
  const counts = { converted: 0, invalid: 0, returned: 0, claimed: 0, repeat_touches: 0, members: 0 };
  const { invalidReasons } = await leads.settings(admin);
  const rows = await tdb.query(
    sql<{
      id: string;
      owner_id: string | null;
      pool_id: string | null;
      status: string;
      mobile: string | null;
      company: string | null;
      campaign_id: string | null;
    }>`select id, owner_id, pool_id, status, mobile, company, campaign_id from lead where tenant_id = ${t} and id = any(${leadIds}::uuid[]) order by created_at`,
  );
  for (const l of rows) {
    const age = ageOf.get(l.id) ?? 0;
    if (l.owner_id && l.status === 'pending') {
      const owner = await actorOf(l.owner_id);
      const roll = rng();
      // older leads had time to be worked: converted, dropped or handed back
      if (age > 5 && roll < 0.28) {
        await leads.convert(owner, l.id, {});
        await dateLastEvent(l.id, Math.min(age - 1, intBetween(rng, 3, 20)));
        counts.converted++;
      } else if (age > 3 && roll < 0.4) {
        await leads.invalidate(owner, l.id, pick(rng, invalidReasons));
        await dateLastEvent(l.id, intBetween(rng, 1, Math.min(age - 1, 6)));
        counts.invalid++;
      } else if (age > 3 && roll < 0.46 && l.pool_id) {
        await leads.giveBack(owner, l.id, pick(rng, ['客户暂无预算', '非本人负责区域', '需求不匹配']));
        await dateLastEvent(l.id, intBetween(rng, 1, Math.min(age - 1, 3)));
        counts.returned++;
      }
    } else if (!l.owner_id && l.status === 'unassigned' && l.pool_id && rng() < 0.4) {
      // a pool member (not the admin) picks it up
      const members = await tdb.query(
        sql<{
          user_id: string;
        }>`select user_id from lead_pool_member where tenant_id = ${t} and pool_id = ${l.pool_id} and role = 'member' order by user_id`,
      );
      const m = members.length ? pick(rng, members) : undefined;
      if (m) {
        await leads.claim(await actorOf(m.user_id), l.id);
        await dateLastEvent(l.id, Math.min(age - 1, intBetween(rng, 0, 2)));
        await tdb.exec0(sql`update lead set assigned_at = (select max(at) from lead_event where tenant_id = ${t} and lead_id = ${l.id})
          where tenant_id = ${t} and id = ${l.id}`);
        counts.claimed++;
      }
    }
    // some people come back through the website a second time (a merged touch)
    if (l.mobile && rng() < 0.12) {
      await leads.capture(
        admin,
        { name: '重复提交', mobile: l.mobile, utm_source: 'baidu', utm_medium: 'cpc' },
        {
          channel: 'web_form',
        },
      );
      const at = new Date(now - Math.floor((age * rng()) / 2) * DAY - 3_600_000).toISOString();
      await tdb.exec0(sql`update lead_touch set at = ${at} where tenant_id = ${t} and lead_id = ${l.id}
        and at = (select max(at) from lead_touch where tenant_id = ${t} and lead_id = ${l.id})`);
      counts.repeat_touches++;
    }
    // campaign leads were invited, many registered, some attended
    if (l.campaign_id) {
      const status = pick(rng, ['invited', 'registered', 'registered', 'attended', 'attended']);
      await p.records.createMany(admin, 'campaign_member', [
        { campaign_id: l.campaign_id, lead_id: l.id, status },
      ]);
      counts.members++;
    }
  }
  // a few look-alike companies: captured and flagged for the duplicate-review queue
  const companies = rows.filter((r) => r.company && r.status !== 'converted').slice(0, 3);
  for (const c of companies) {
    await leads.capture(
      admin,
      {
        name: personName(rng),
        mobile: mobile(rng),
        company: `${c.company ?? ''}（分公司）`,
        title: '采购经理',
      },
      { channel: 'api', campaignId: pick(rng, campaignIds) },
    );
  }
  // the pool timers as of today: leads nobody followed up go back to their pools, with reasons
  const today = todayIn(admin.timeZone);
  const timers = await leadTimersJob.run({ tenantId: t, asOf: today, tdb });
  return { ...counts, flagged: companies.length, recycled: Number(timers.recycled ?? 0) };
}
