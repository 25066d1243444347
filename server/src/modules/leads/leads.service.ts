import crypto from 'node:crypto';
import { sql } from 'kysely';
import type { Platform } from '../../platform/platform.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { lockInTenant } from '../../platform/db/locks.ts';
import { newId, isUuid } from '../../platform/db/ids.ts';
import { AppError, forbidden, invalid, notFound } from '../../platform/http/errors.ts';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import type { Rec } from '../../platform/metadata/types.ts';
import { normaliseCompany, normaliseEmail, normalisePhone } from '../accounts/index.ts';
import { findDuplicates, type DuplicateHit } from './duplicates.service.ts';
import { attributionOf, inCapture, scoreNow } from './pipeline.ts';
import type { ScoreResult } from './scoring.rules.ts';
import { leadSettingsSchema, loadLeadSettings, type LeadSettings } from './settings.ts';
import { mergeTouch, PIPELINE_FIELDS, systemActor } from './merge-touch.ts';
import { checkMappings, conversionValues } from './conversion.rules.ts';
import { pingOwner, type PingInput } from './owner-ping.ts';
import { effectivePoolRole } from './pool-members.ts';

export { systemActor };

export interface CaptureResult {
  lead_id: string;
  /** created a new lead, merged into an existing one, or created and flagged as a possible duplicate */
  outcome: 'created' | 'merged' | 'flagged';
  owner_id: string | null;
}

/** What create and update of a web-to-lead form accept. */
interface FormInput {
  name?: string | undefined;
  pool_id?: string | null | undefined;
  campaign_id?: string | null | undefined;
  allowed_origins?: string[] | undefined;
  thank_you?: Record<string, unknown> | undefined;
}

export interface LeadFormRow {
  id: string;
  form_key: string;
  name: string;
  pool_id: string | null;
  campaign_id: string | null;
  allowed_origins: string[];
  thank_you: Record<string, unknown>;
  active: boolean;
  created_at: string;
}
const FORM_COLUMNS =
  'id, form_key, name, pool_id, campaign_id, allowed_origins, thank_you, active, created_at';

interface LeadRow {
  id: string;
  owner_id: string | null;
  pool_id: string | null;
  status: string;
  name: string;
}

/** Capture, duplicate check, pools (claim / assign / return / transfer) and lead settings. */
export class LeadsService {
  constructor(private readonly p: Platform) {}

  get db(): Platform['db'] {
    return this.p.db;
  }

  private tdb(tenantId: string): TenantDb {
    return TenantDb.for(this.p.db, tenantId);
  }

  async settings(actor: Actor): Promise<LeadSettings> {
    return loadLeadSettings(this.tdb(actor.tenantId));
  }

  async saveSettings(actor: Actor, input: unknown): Promise<LeadSettings> {
    if (!actor.isAdmin) throw forbidden();
    const parsed = leadSettingsSchema.safeParse(input);
    if (!parsed.success)
      throw invalid(
        parsed.error.issues
          .slice(0, 20)
          .map((i) => ({ field: i.path.join('.') || 'settings', issue: 'invalid_value' as const })),
      );
    if (parsed.data.conversionMapping?.length) {
      const fieldsOf = async (o: string) => (await this.p.registry.get(actor.tenantId, o)).fields;
      const issues = checkMappings(parsed.data.conversionMapping, {
        lead: await fieldsOf('lead'),
        account: await fieldsOf('account'),
        contact: await fieldsOf('contact'),
        opportunity: (await this.p.registry.objects(actor.tenantId)).get('opportunity')?.fields ?? null,
      });
      if (issues.length) throw invalid(issues);
    }
    const rulePools = parsed.data.assignmentRules.flatMap((r, i) => (r.poolId ? [{ i, id: r.poolId }] : []));
    if (rulePools.length) {
      const ids = rulePools.map((p) => p.id);
      const found = await this.tdb(actor.tenantId).query(
        sql<{
          id: string;
        }>`select id from lead_pool where tenant_id = ${actor.tenantId} and deleted_at is null and id = any(${ids}::uuid[])`,
      );
      const bad = rulePools.filter((p) => !found.some((f) => f.id === p.id));
      if (bad.length)
        throw invalid(
          bad.map((p) => ({ field: `assignmentRules.${p.i}.poolId`, issue: 'invalid_reference' as const })),
        );
    }
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const before = await loadLeadSettings(tx);
      await tx.exec0(
        sql`update tenant set settings = jsonb_set(settings, '{leads}', ${JSON.stringify(parsed.data)}::jsonb) where id = ${actor.tenantId}`,
      );
      await writeAudit(tx, actor, [
        { action: 'admin', object: 'settings', recordId: null, changes: { leads: [before, parsed.data] } },
      ]);
    });
    return loadLeadSettings(this.tdb(actor.tenantId));
  }

  /** Sends the owner of a duplicate hit a note (撞单: "let's talk"). */
  async pingOwner(actor: Actor, input: PingInput): Promise<void> {
    await this.tdb(actor.tenantId).transaction((tx) => pingOwner(tx, actor, input));
  }

  /** Duplicate hits for a would-be lead, showing names only of records the user may see. */
  async checkDuplicates(
    actor: Actor,
    input: { mobile?: string | undefined; email?: string | undefined; company?: string | undefined },
  ): Promise<Array<DuplicateHit & { visible: boolean; owner_name: string | null }>> {
    const probe = {
      mobile: input.mobile ? (normalisePhone(input.mobile) ?? null) : null,
      email: input.email ? normaliseEmail(input.email) : null,
      companyNorm: input.company ? normaliseCompany(input.company) : null,
    };
    const hits = await this.tdb(actor.tenantId).transaction(async (tx) =>
      findDuplicates(tx, probe, await loadLeadSettings(tx)),
    );
    // One query per object type for visibility and one for owner names (not one per hit).
    const visibleIds = new Set<string>();
    for (const object of [...new Set(hits.map((h) => h.object))]) {
      if (!can(actor, object, 'read')) continue;
      const ids = hits.filter((h) => h.object === object).map((h) => h.id);
      const seen = await this.p.records.list(actor, object, {
        filter: [{ field: 'id', op: 'in', value: ids }],
        sort: [],
        limit: ids.length,
        expand: [],
        count: false,
        deleted: 'exclude',
        fields: ['id'],
      });
      for (const r of seen.data) visibleIds.add(String(r.id));
    }
    const ownerIds = [...new Set(hits.map((h) => h.owner_id).filter((o): o is string => o !== null))];
    const owners = ownerIds.length
      ? await this.tdb(actor.tenantId).query(
          sql<{
            id: string;
            name: string;
          }>`select id, name from app_user where tenant_id = ${actor.tenantId} and id = any(${ownerIds}::uuid[])`,
        )
      : [];
    const ownerName = new Map(owners.map((o) => [o.id, o.name]));
    // Who owns it is shown (so the user can message them); what it is only if visible.
    return hits.map((h) => {
      const visible = visibleIds.has(h.id);
      return {
        ...h,
        name: visible ? h.name : '',
        visible,
        owner_name: h.owner_id ? (ownerName.get(h.owner_id) ?? null) : null,
      };
    });
  }

  /**
   * The capture pipeline for forms and the API: duplicates of an existing lead merge into it as
   * a new touch (empty fields filled, attribution kept); fuzzy company hits are created and
   * flagged for review; a lead of an existing customer goes to that customer's owner.
   */
  async capture(
    actor: Actor,
    input: Rec,
    ctx: { channel: string; formId?: string | null; poolId?: string | null; campaignId?: string | null },
  ): Promise<CaptureResult> {
    const tenantId = actor.tenantId;
    const mobile = typeof input.mobile === 'string' ? (normalisePhone(input.mobile) ?? null) : null;
    if (typeof input.mobile === 'string' && input.mobile.trim() && !mobile)
      throw invalid([{ field: 'mobile', issue: 'invalid_phone' }]);
    const email = typeof input.email === 'string' && input.email.trim() ? normaliseEmail(input.email) : null;
    const companyNorm = typeof input.company === 'string' ? normaliseCompany(input.company) : null;
    return this.tdb(tenantId).transaction(async (tx) => {
      const s = await loadLeadSettings(tx);
      const hits = await findDuplicates(tx, { mobile, email, companyNorm }, s);
      const merge = hits.find((h) => h.object === 'lead' && h.onCapture === 'merge');
      const system = systemActor(tenantId, actor.timeZone, actor.currency);
      if (merge) {
        await mergeTouch(this.p.records, tx, actor, merge.id, input, {
          channel: ctx.channel,
          campaignId: ctx.campaignId ?? null,
          formId: ctx.formId ?? null,
        });
        return { lead_id: merge.id, outcome: 'merged' as const, owner_id: merge.owner_id };
      }
      const customer = hits.find((h) => h.object !== 'lead');
      const review = hits.find((h) => h.object === 'lead' && h.onCapture === 'review');
      // The pipeline owns these: callers cannot set them, only this method (from ctx and the hits).
      const data: Rec = Object.fromEntries(Object.entries(input).filter(([k]) => !PIPELINE_FIELDS.has(k)));
      data.source = input.source ?? ctx.channel;
      if (ctx.campaignId && !data.campaign_id) data.campaign_id = ctx.campaignId;
      if (ctx.poolId) data.pool_id = ctx.poolId;
      if (review) data.duplicate_of = review.id;
      // "Already a customer": the lead goes to whoever owns that account or contact.
      if (customer?.owner_id && !data.owner_id) {
        const active = await tx.one(
          sql`select 1 from app_user where tenant_id = ${tenantId} and id = ${customer.owner_id} and status = 'active'`,
        );
        if (active) data.owner_id = customer.owner_id;
      }
      const [created] = await inCapture.run(true, () =>
        this.p.records.createMany(actor.userId ? actor : system, 'lead', [data], { allowReadOnly: true }, tx),
      );
      if (!created) throw new Error('capture created nothing');
      if (ctx.formId)
        await tx.exec0(
          sql`update lead_touch set form_id = ${ctx.formId}, submitted = ${JSON.stringify(input)}::jsonb where tenant_id = ${tenantId} and lead_id = ${String(created.id)}`,
        );
      return {
        lead_id: String(created.id),
        outcome: review ? ('flagged' as const) : ('created' as const),
        owner_id: (created.owner_id as string | null) ?? null,
      };
    });
  }

  private async lockLead(tx: TenantDb, id: string): Promise<LeadRow> {
    if (!isUuid(id)) throw notFound();
    const l = await tx.one(
      sql<LeadRow>`select id, owner_id, pool_id, status, name from lead where tenant_id = ${tx.tenantId} and id = ${id} and deleted_at is null for update`,
    );
    if (!l) throw notFound();
    return l;
  }

  private async poolRole(
    tx: TenantDb,
    poolId: string | null,
    userId: string | null,
  ): Promise<'admin' | 'member' | null> {
    if (!poolId || !userId) return null;
    // as a user or through a member department
    return effectivePoolRole(tx, poolId, userId);
  }

  private async move(
    tx: TenantDb,
    actor: Actor,
    lead: LeadRow,
    kind: string,
    to: { owner: string | null; pool: string | null; status: string },
    reason: string | null,
  ): Promise<void> {
    await tx.exec0(sql`update lead set owner_id = ${to.owner}, pool_id = ${to.pool}, status = ${to.status},
        assigned_at = ${to.owner === lead.owner_id ? sql`assigned_at` : to.owner ? sql`now()` : sql`null`}, recycle_count = coalesce(recycle_count, 0) + ${kind === 'recycled' ? 1 : 0},
        updated_at = now(), updated_by = ${actor.userId}, version = version + 1
      where tenant_id = ${tx.tenantId} and id = ${lead.id}`);
    await tx.exec0(sql`insert into lead_event (tenant_id, id, lead_id, kind, actor_user_id, from_owner, to_owner, from_pool, to_pool, reason)
      values (${tx.tenantId}, ${newId()}, ${lead.id}, ${kind}, ${actor.userId}, ${lead.owner_id}, ${to.owner}, ${lead.pool_id}, ${to.pool}, ${reason})`);
    await writeAudit(tx, actor, [
      {
        action: 'update',
        object: 'lead',
        recordId: lead.id,
        changes: {
          owner_id: [lead.owner_id, to.owner],
          pool_id: [lead.pool_id, to.pool],
          status: [lead.status, to.status],
        },
        meta: { kind, reason },
      },
    ]);
    await emitEvents(tx, actor.userId, [
      {
        type: `lead.${kind}`,
        object: 'lead',
        recordId: lead.id,
        payload: { id: lead.id, from_owner: lead.owner_id, to_owner: to.owner, pool_id: to.pool, reason },
      },
    ]);
  }

  /** A pool member takes an unassigned lead, within the pool's claim cap. */
  async claim(actor: Actor, id: string): Promise<void> {
    // a claim gives the lead to a person: keys without a user cannot claim
    if (!actor.userId) throw new AppError('forbidden', 'session_required');
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const lead = await this.lockLead(tx, id);
      if (lead.status !== 'unassigned' || lead.owner_id || !lead.pool_id)
        throw new AppError('conflict', 'lead_not_claimable');
      const pool = await tx.one(
        sql<{
          visibility: string;
          claim_cap: number | null;
        }>`select visibility, claim_cap from lead_pool where tenant_id = ${tx.tenantId} and id = ${lead.pool_id}`,
      );
      const role = await this.poolRole(tx, lead.pool_id, actor.userId);
      if (!role && !actor.isAdmin) throw new AppError('forbidden', 'not_pool_member');
      if (pool?.visibility === 'admin_assign' && role !== 'admin' && !actor.isAdmin)
        throw new AppError('forbidden', 'not_pool_member');
      // Serialise this member's claims so two parallel claims cannot both pass the cap.
      await lockInTenant(tx, `claim:${actor.userId ?? ''}`);
      const held = await tx.one(sql<{
        n: number;
      }>`select count(*)::int8 as n from lead where tenant_id = ${tx.tenantId} and owner_id = ${actor.userId}
        and pool_id = ${lead.pool_id} and status in ('pending', 'in_progress') and deleted_at is null`);
      const cap = pool?.claim_cap ?? 50;
      if ((held?.n ?? 0) >= cap) throw new AppError('validation_failed', 'claim_cap_reached', [], { cap });
      // The previous owner of a returned or recycled lead waits out the cooldown (no cherry-picking
      // a lead back to reset its timers).
      const { reclaimCooldownDays } = await loadLeadSettings(tx);
      if (reclaimCooldownDays > 0) {
        const left = await tx.one(sql<{
          until: Date;
        }>`select max(at) + make_interval(days => ${reclaimCooldownDays}) as until from lead_event
          where tenant_id = ${tx.tenantId} and lead_id = ${lead.id} and from_owner = ${actor.userId}
            and kind in ('returned', 'recycled', 'transferred') having max(at) + make_interval(days => ${reclaimCooldownDays}) > now()`);
        if (left)
          throw new AppError('validation_failed', 'reclaim_cooldown', [], {
            until: todayIn(actor.timeZone, left.until),
          });
      }
      await this.move(
        tx,
        actor,
        lead,
        'claimed',
        { owner: actor.userId, pool: lead.pool_id, status: 'pending' },
        null,
      );
    });
  }

  /** Pool admins (and tenant admins) hand a lead to someone. */
  async assign(actor: Actor, id: string, ownerId: string, reason: string | null): Promise<void> {
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const lead = await this.lockLead(tx, id);
      if (['converted', 'voided'].includes(lead.status))
        throw new AppError('conflict', 'lead_state_conflict');
      if (!actor.isAdmin && (await this.poolRole(tx, lead.pool_id, actor.userId)) !== 'admin')
        throw forbidden();
      if (
        !isUuid(ownerId) ||
        !(await tx.one(
          sql`select 1 from app_user where tenant_id = ${tx.tenantId} and id = ${ownerId} and status = 'active'`,
        ))
      )
        throw invalid([{ field: 'owner_id', issue: 'invalid_reference' }]);
      // assigning an invalid lead revives it
      if (lead.status === 'invalid')
        await tx.exec0(
          sql`update lead set invalid_reason = null where tenant_id = ${tx.tenantId} and id = ${lead.id}`,
        );
      await this.move(
        tx,
        actor,
        lead,
        'assigned',
        {
          owner: ownerId,
          pool: lead.pool_id,
          status: lead.status === 'in_progress' ? 'in_progress' : 'pending',
        },
        reason,
      );
    });
  }

  /** The owner gives a lead back to its pool, with a reason (销售退回). */
  async giveBack(actor: Actor, id: string, reason: string): Promise<void> {
    if (!reason.trim()) throw invalid([{ field: 'reason', issue: 'required' }]);
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const lead = await this.lockLead(tx, id);
      if (lead.owner_id !== actor.userId && !actor.isAdmin) throw forbidden();
      if (!['pending', 'in_progress'].includes(lead.status))
        throw new AppError('conflict', 'lead_state_conflict');
      const s = await loadLeadSettings(tx);
      const pool = lead.pool_id ?? s.defaultPoolId;
      if (!pool) throw invalid([{ field: 'pool_id', issue: 'required' }]);
      await this.move(
        tx,
        actor,
        lead,
        'returned',
        { owner: null, pool, status: 'unassigned' },
        reason.trim(),
      );
    });
  }

  /** Pool admins move a lead to another pool (unassigned there). */
  async transfer(actor: Actor, id: string, poolId: string, reason: string | null): Promise<void> {
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const lead = await this.lockLead(tx, id);
      if (!actor.isAdmin && (await this.poolRole(tx, lead.pool_id, actor.userId)) !== 'admin')
        throw forbidden();
      if (['converted', 'voided', 'invalid'].includes(lead.status))
        throw new AppError('conflict', 'lead_state_conflict');
      if (
        !isUuid(poolId) ||
        !(await tx.one(
          sql`select 1 from lead_pool where tenant_id = ${tx.tenantId} and id = ${poolId} and deleted_at is null`,
        ))
      )
        throw invalid([{ field: 'pool_id', issue: 'invalid_reference' }]);
      await this.move(
        tx,
        actor,
        lead,
        'transferred',
        { owner: null, pool: poolId, status: 'unassigned' },
        reason,
      );
    });
  }

  /** Marks a lead invalid with a reason from the tenant's list (it can be revived). */
  async invalidate(actor: Actor, id: string, reason: string): Promise<void> {
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const lead = await this.lockLead(tx, id);
      const s = await loadLeadSettings(tx);
      if (!s.invalidReasons.includes(reason))
        throw invalid([{ field: 'reason', issue: 'invalid_option', params: { value: reason } }]);
      if (
        lead.owner_id !== actor.userId &&
        !actor.isAdmin &&
        (await this.poolRole(tx, lead.pool_id, actor.userId)) !== 'admin'
      )
        throw forbidden();
      if (['converted', 'voided', 'invalid'].includes(lead.status))
        throw new AppError('conflict', 'lead_state_conflict');
      await tx.exec0(
        sql`update lead set invalid_reason = ${reason} where tenant_id = ${tx.tenantId} and id = ${lead.id}`,
      );
      await this.move(
        tx,
        actor,
        lead,
        'invalidated',
        { owner: lead.owner_id, pool: lead.pool_id, status: 'invalid' },
        reason,
      );
    });
  }

  /** Spam or junk (作废): pool admins and tenant admins take it out of every list of work. */
  async voidLead(actor: Actor, id: string, reason: string | null): Promise<void> {
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const lead = await this.lockLead(tx, id);
      if (!actor.isAdmin && (await this.poolRole(tx, lead.pool_id, actor.userId)) !== 'admin')
        throw forbidden();
      if (['converted', 'voided'].includes(lead.status))
        throw new AppError('conflict', 'lead_state_conflict');
      await this.move(
        tx,
        actor,
        lead,
        'voided',
        { owner: null, pool: lead.pool_id, status: 'voided' },
        reason,
      );
    });
  }

  /**
   * Brings back an invalid lead (its owner, pool admins, tenant admins: back to work with the same
   * owner, else unassigned in its pool) or a voided one (tenant admins only: unassigned in its
   * pool, else the default pool).
   */
  async revive(actor: Actor, id: string, reason: string | null): Promise<void> {
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const lead = await this.lockLead(tx, id);
      if (lead.status === 'voided') {
        if (!actor.isAdmin) throw forbidden();
      } else if (lead.status === 'invalid') {
        if (
          lead.owner_id !== actor.userId &&
          !actor.isAdmin &&
          (await this.poolRole(tx, lead.pool_id, actor.userId)) !== 'admin'
        )
          throw forbidden();
      } else throw new AppError('conflict', 'lead_state_conflict');
      const owner = lead.status === 'invalid' ? lead.owner_id : null;
      const pool = lead.pool_id ?? (await loadLeadSettings(tx)).defaultPoolId;
      if (!owner && !pool) throw invalid([{ field: 'pool_id', issue: 'required' }]);
      await tx.exec0(
        sql`update lead set invalid_reason = null where tenant_id = ${tx.tenantId} and id = ${lead.id}`,
      );
      await this.move(
        tx,
        actor,
        lead,
        'revived',
        { owner, pool, status: owner ? 'pending' : 'unassigned' },
        reason,
      );
    });
  }

  /** A pool's people: user members, member departments, and the caller's own effective role. */
  async poolMembers(
    actor: Actor,
    poolId: string,
  ): Promise<{
    data: Array<{ user_id: string; role: string; name: string }>;
    departments: Array<{ department_id: string; role: string; name: string }>;
    my_role: 'admin' | 'member' | null;
  }> {
    await this.p.records.get(actor, 'lead_pool', poolId);
    const tdb = this.tdb(actor.tenantId);
    const [data, departments, my] = await Promise.all([
      tdb.query(sql<{ user_id: string; role: string; name: string }>`
      select m.user_id, m.role, u.name from lead_pool_member m join app_user u on u.tenant_id = m.tenant_id and u.id = m.user_id
      where m.tenant_id = ${actor.tenantId} and m.pool_id = ${poolId} order by m.role, u.name`),
      tdb.query(sql<{ department_id: string; role: string; name: string }>`
      select pd.department_id, pd.role, d.name from lead_pool_department pd join department d on d.tenant_id = pd.tenant_id and d.id = pd.department_id
      where pd.tenant_id = ${actor.tenantId} and pd.pool_id = ${poolId} order by pd.role, d.name`),
      actor.userId ? effectivePoolRole(tdb, poolId, actor.userId) : Promise.resolve(null),
    ]);
    return { data, departments, my_role: my };
  }

  /**
   * Sets a pool's user members and, when `departments` is given, its member departments (a
   * department covers its sub-departments). Departments left out keep what they were.
   */
  async setPoolMembers(
    actor: Actor,
    poolId: string,
    members: Array<{ user_id: string; role: 'member' | 'admin' }>,
    departments?: Array<{ department_id: string; role: 'member' | 'admin' }>,
  ): Promise<void> {
    if (!actor.isAdmin) throw forbidden();
    await this.p.records.get(actor, 'lead_pool', poolId);
    const ids = members.map((m) => m.user_id);
    if (ids.some((u) => !isUuid(u))) throw invalid([{ field: 'members', issue: 'invalid_reference' }]);
    const deptIds = (departments ?? []).map((d) => d.department_id);
    if (deptIds.some((d) => !isUuid(d)))
      throw invalid([{ field: 'departments', issue: 'invalid_reference' }]);
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const known = await tx.query(
        sql<{
          id: string;
        }>`select id from app_user where tenant_id = ${tx.tenantId} and id = any(${ids}::uuid[])`,
      );
      if (known.length !== new Set(ids).size)
        throw invalid([{ field: 'members', issue: 'invalid_reference' }]);
      if (deptIds.length) {
        const knownDepts = await tx.query(
          sql<{
            id: string;
          }>`select id from department where tenant_id = ${tx.tenantId} and id = any(${deptIds}::uuid[])`,
        );
        if (knownDepts.length !== new Set(deptIds).size)
          throw invalid([{ field: 'departments', issue: 'invalid_reference' }]);
      }
      await tx.exec0(
        sql`delete from lead_pool_member where tenant_id = ${tx.tenantId} and pool_id = ${poolId}`,
      );
      for (const m of members)
        await tx.exec0(
          sql`insert into lead_pool_member (tenant_id, pool_id, user_id, role) values (${tx.tenantId}, ${poolId}, ${m.user_id}, ${m.role}) on conflict do nothing`,
        );
      if (departments) {
        await tx.exec0(
          sql`delete from lead_pool_department where tenant_id = ${tx.tenantId} and pool_id = ${poolId}`,
        );
        for (const d of departments)
          await tx.exec0(
            sql`insert into lead_pool_department (tenant_id, pool_id, department_id, role) values (${tx.tenantId}, ${poolId}, ${d.department_id}, ${d.role}) on conflict do nothing`,
          );
      }
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'lead_pool',
          recordId: poolId,
          changes: departments
            ? { members: [null, members], departments: [null, departments] }
            : { members: [null, members] },
        },
      ]);
    });
  }

  /** Lead history: every touch and move, newest first. */
  async timeline(actor: Actor, id: string): Promise<{ touches: unknown[]; events: unknown[] }> {
    await this.p.records.get(actor, 'lead', id);
    const tdb = this.tdb(actor.tenantId);
    const [touches, events] = await Promise.all([
      tdb.query(
        sql`select id, at, channel, campaign_id, attribution from lead_touch where tenant_id = ${actor.tenantId} and lead_id = ${id} order by at desc, id desc`,
      ),
      tdb.query(sql`select e.id, e.at, e.kind, e.reason, e.from_owner, e.to_owner, e.from_pool, e.to_pool, u.name as actor_name
        from lead_event e left join app_user u on u.tenant_id = e.tenant_id and u.id = e.actor_user_id
        where e.tenant_id = ${actor.tenantId} and e.lead_id = ${id} order by e.at desc, e.id desc`),
    ]);
    return { touches, events };
  }

  /** The points behind a lead's score, rule by rule. */
  async explainScore(actor: Actor, id: string): Promise<ScoreResult> {
    const lead = await this.p.records.get(actor, 'lead', id);
    const tdb = this.tdb(actor.tenantId);
    const s = await loadLeadSettings(tdb);
    return scoreNow(tdb, lead, id, s.scoring, actor.timeZone);
  }

  /**
   * Converts a lead into an account and a contact — new ones, or existing ones whose empty
   * fields get filled (never overwritten). The lead keeps pointing at what it became.
   */
  async convert(
    actor: Actor,
    id: string,
    input: {
      account_id?: string | undefined;
      contact_id?: string | undefined;
      opportunity?: Record<string, unknown> | undefined;
    },
  ): Promise<{ account_id: string; contact_id: string; opportunity_id: string | null }> {
    if (!isUuid(id)) throw notFound();
    return this.tdb(actor.tenantId).transaction(async (tx) => {
      const lead =
        (await tx.one(
          sql<Rec>`select * from lead where tenant_id = ${tx.tenantId} and id = ${id} and deleted_at is null for update`,
        )) ?? null;
      if (!lead) throw notFound();
      if (!['pending', 'in_progress'].includes(String(lead.status)))
        throw new AppError('conflict', 'lead_state_conflict');
      // what the caller may see of the lead: hidden fields are not copied to records they can read
      const visibleLead = await this.p.records.get(actor, 'lead', id);
      const { conversionMapping, requireQualifiedToConvert } = await loadLeadSettings(tx);
      if (requireQualifiedToConvert && !lead.qualification)
        throw invalid([{ field: 'qualification', issue: 'qualify_first' }]);
      const values = conversionValues(visibleLead, id, conversionMapping);
      const fillEmpty = async (object: string, recId: string, data: Rec): Promise<void> => {
        const cur = await this.p.records.get(actor, object, recId);
        const fill = Object.fromEntries(
          Object.entries(data).filter(([k]) => cur[k] === null || cur[k] === undefined),
        );
        delete fill.name;
        if (Object.keys(fill).length)
          await this.p.records.update(actor, object, recId, fill, { tx, allowReadOnly: true });
      };
      // an existing record gets its empty fields filled; otherwise a new one is created
      const matchOrCreate = async (
        object: string,
        existing: string | undefined,
        data: Rec,
        extra: Rec,
      ): Promise<string> => {
        if (existing) {
          await fillEmpty(object, existing, data);
          return existing;
        }
        const [rec] = await this.p.records.createMany(
          actor,
          object,
          [{ ...data, ...extra, owner_id: lead.owner_id ?? actor.userId }],
          { allowReadOnly: true },
          tx,
        );
        return String(rec?.id);
      };
      const accountId = await matchOrCreate('account', input.account_id, values.account, {});
      const contactId = await matchOrCreate('contact', input.contact_id, values.contact, {
        account_id: accountId,
      });
      const opportunityId = input.opportunity
        ? await this.createOpportunity(actor, tx, values.opportunity, input.opportunity, {
            account_id: accountId,
            contact_id: contactId,
            owner_id: (lead.owner_id as string | null) ?? actor.userId,
          })
        : null;
      await tx.exec0(
        sql`update lead set status = 'converted', converted_account_id = ${accountId}, converted_contact_id = ${contactId}, converted_at = now(),
          updated_at = now(), updated_by = ${actor.userId}, version = version + 1 where tenant_id = ${tx.tenantId} and id = ${id}`,
      );
      await tx.exec0(sql`insert into lead_event (tenant_id, id, lead_id, kind, actor_user_id, from_owner, to_owner, reason)
        values (${tx.tenantId}, ${newId()}, ${id}, 'converted', ${actor.userId}, ${(lead.owner_id as string | null) ?? null}, ${(lead.owner_id as string | null) ?? null}, ${JSON.stringify({ account_id: accountId, contact_id: contactId, opportunity_id: opportunityId })})`);
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'lead',
          recordId: id,
          changes: { status: [lead.status, 'converted'] },
          meta: { account_id: accountId, contact_id: contactId, opportunity_id: opportunityId },
        },
      ]);
      // Attribution travels with the event, so later orders can be credited to channel and campaign.
      await emitEvents(tx, actor.userId, [
        {
          type: 'lead.converted',
          object: 'lead',
          recordId: id,
          payload: {
            id,
            account_id: accountId,
            contact_id: contactId,
            opportunity_id: opportunityId,
            source: lead.source ?? null,
            campaign_id: lead.campaign_id ?? null,
            attribution: attributionOf(lead),
          },
        },
      ]);
      return { account_id: accountId, contact_id: contactId, opportunity_id: opportunityId };
    });
  }

  /**
   * The optional opportunity of a conversion, through the records engine like any record — so it
   * works with whatever `opportunity` object the sales module defines: the lead's defaults
   * (name, attribution, mapped fields) go in where the object has such fields; the caller's
   * values always go in (unknown ones are refused by the engine). Field errors come back as
   * `opportunity.<field>`. Without an opportunity object: 422 on `opportunity`.
   */
  private async createOpportunity(
    actor: Actor,
    tx: TenantDb,
    defaults: Rec,
    given: Record<string, unknown>,
    links: { account_id: string; contact_id: string; owner_id: string | null },
  ): Promise<string> {
    const def = (await this.p.registry.objects(actor.tenantId)).get('opportunity');
    if (!def) throw invalid([{ field: 'opportunity', issue: 'invalid_value' }]);
    const known = new Set(
      def.fields.filter((f) => !f.system || f.apiName === 'owner_id').map((f) => f.apiName),
    );
    // the caller's values are written like a client's: read-only fields are the engine's and the module's
    const locked = Object.keys(given).filter((k) => {
      const f = def.fields.find((x) => x.apiName === k);
      return f !== undefined && (f.readOnly === true || f.system === true);
    });
    if (locked.length)
      throw invalid(locked.map((k) => ({ field: `opportunity.${k}`, issue: 'read_only' as const })));
    const base = Object.fromEntries(Object.entries({ ...defaults, ...links }).filter(([k]) => known.has(k)));
    try {
      const [rec] = await this.p.records.createMany(
        actor,
        'opportunity',
        [{ ...base, ...given }],
        { allowReadOnly: true },
        tx,
      );
      return String(rec?.id);
    } catch (e) {
      if (!(e instanceof AppError) || !e.details.length) throw e;
      throw invalid(e.details.map((d) => ({ ...d, field: `opportunity.${d.field}` })));
    }
  }

  /** Leads flagged as possible duplicates (fuzzy hits on capture), each with the lead it resembles. */
  async reviewQueue(actor: Actor): Promise<Array<{ lead: Rec; candidate: Rec | null }>> {
    const flagged = await this.p.records.list(actor, 'lead', {
      filter: [
        { field: 'duplicate_of', op: 'is_null', value: false },
        { field: 'status', op: 'nin', value: ['converted', 'voided'] },
      ],
      sort: [{ field: 'created_at', desc: true }],
      limit: 200,
      expand: [],
      count: false,
      deleted: 'exclude',
    });
    // the leads they resemble, in one query (only those the caller may see)
    const ids = [...new Set(flagged.data.map((l) => String(l.duplicate_of)))];
    const candidates = ids.length
      ? await this.p.records.list(actor, 'lead', {
          filter: [{ field: 'id', op: 'in', value: ids }],
          sort: [],
          limit: ids.length,
          expand: [],
          count: false,
          deleted: 'exclude',
        })
      : { data: [] };
    const byId = new Map(candidates.data.map((c) => [String(c.id), c]));
    return flagged.data.map((lead) => ({ lead, candidate: byId.get(String(lead.duplicate_of)) ?? null }));
  }

  /** Not a duplicate after all: clears the flag. */
  async dismissDuplicate(actor: Actor, id: string): Promise<void> {
    await this.p.records.get(actor, 'lead', id);
    if (!can(actor, 'lead', 'update')) throw forbidden();
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const lead = await this.lockLead(tx, id);
      await tx.exec0(
        sql`update lead set duplicate_of = null, updated_at = now(), version = version + 1 where tenant_id = ${tx.tenantId} and id = ${lead.id}`,
      );
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'lead',
          recordId: id,
          changes: { duplicate_of: ['…', null] },
          meta: { kind: 'not_duplicate' },
        },
      ]);
    });
  }

  /**
   * Merges one lead into another: per field the caller picks which value survives; touches,
   * moves and campaign memberships move to the survivor; the merged lead goes to the recycle
   * bin with an audit entry naming the survivor.
   */
  async merge(
    actor: Actor,
    input: { survivor_id: string; merged_id: string; take_from_merged: string[] },
  ): Promise<Rec> {
    if (input.survivor_id === input.merged_id)
      throw invalid([{ field: 'merged_id', issue: 'invalid_value' }]);
    if (!can(actor, 'lead', 'update') || !can(actor, 'lead', 'delete')) throw forbidden();
    const obj = await this.p.records.object(actor, 'lead');
    const mergeable = new Set(
      obj.fields.filter((f) => !f.system && !f.readOnly && f.apiName !== 'owner_id').map((f) => f.apiName),
    );
    const bad = input.take_from_merged.filter((f) => !mergeable.has(f));
    if (bad.length)
      throw invalid(bad.map((f) => ({ field: `take_from_merged.${f}`, issue: 'unknown_field' as const })));
    const survivor = await this.p.records.get(actor, 'lead', input.survivor_id);
    const merged = await this.p.records.get(actor, 'lead', input.merged_id);
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const patch: Rec = {};
      for (const f of input.take_from_merged)
        if (merged[f] !== null && merged[f] !== undefined) patch[f] = merged[f];
      // Empty fields of the survivor are filled from the merged lead anyway.
      for (const f of mergeable)
        if (
          (survivor[f] === null || survivor[f] === undefined) &&
          merged[f] !== null &&
          merged[f] !== undefined &&
          !(f in patch)
        )
          patch[f] = merged[f];
      if (Object.keys(patch).length)
        await this.p.records.update(actor, 'lead', input.survivor_id, patch, { tx });
      const t = tx.tenantId;
      const moved = {
        touches: await tx.exec0(
          sql`update lead_touch set lead_id = ${input.survivor_id} where tenant_id = ${t} and lead_id = ${input.merged_id}`,
        ),
        events: await tx.exec0(
          sql`update lead_event set lead_id = ${input.survivor_id} where tenant_id = ${t} and lead_id = ${input.merged_id}`,
        ),
        campaign_members: await tx.exec0(
          sql`update campaign_member set lead_id = ${input.survivor_id} where tenant_id = ${t} and lead_id = ${input.merged_id}`,
        ),
      };
      await tx.exec0(
        sql`update lead set duplicate_of = null where tenant_id = ${t} and duplicate_of = ${input.merged_id}`,
      );
      await tx.exec0(
        sql`update lead set touch_count = coalesce(touch_count, 0) + ${Number(merged.touch_count ?? 1)}, duplicate_of = null where tenant_id = ${t} and id = ${input.survivor_id}`,
      );
      await this.p.records.delete(actor, 'lead', input.merged_id, tx);
      await tx.exec0(sql`insert into lead_event (tenant_id, id, lead_id, kind, actor_user_id, reason)
        values (${t}, ${newId()}, ${input.survivor_id}, 'merged', ${actor.userId}, ${JSON.stringify({ merged_id: input.merged_id, ...moved })})`);
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'lead',
          recordId: input.merged_id,
          changes: {},
          meta: { kind: 'merged_into', survivor_id: input.survivor_id },
        },
      ]);
      const s = await loadLeadSettings(tx);
      const row =
        (await tx.one(sql<Rec>`select * from lead where tenant_id = ${t} and id = ${input.survivor_id}`)) ??
        {};
      const score = (await scoreNow(tx, row, input.survivor_id, s.scoring, actor.timeZone)).score;
      await tx.exec0(
        sql`update lead set score = ${score} where tenant_id = ${t} and id = ${input.survivor_id}`,
      );
      await emitEvents(tx, actor.userId, [
        {
          type: 'lead.merged',
          object: 'lead',
          recordId: input.survivor_id,
          payload: { id: input.survivor_id, merged_id: input.merged_id },
        },
      ]);
    });
    // the survivor as the caller may see it (field security applies)
    return this.p.records.get(actor, 'lead', input.survivor_id);
  }

  // --- web-to-lead forms ---

  /** The checks create and update share: name, exact origins, pool and campaign references. */
  private async checkFormInput(actor: Actor, input: FormInput): Promise<void> {
    if (!actor.isAdmin) throw forbidden();
    if (input.name !== undefined && !input.name.trim()) throw invalid([{ field: 'name', issue: 'required' }]);
    for (const o of input.allowed_origins ?? []) {
      try {
        const u = new URL(o);
        if (u.origin !== o) throw new Error('not an origin');
      } catch {
        throw invalid([{ field: 'allowed_origins', issue: 'invalid_url' }]);
      }
    }
    const tdb = this.tdb(actor.tenantId);
    for (const [field, table, value] of [
      ['pool_id', 'lead_pool', input.pool_id],
      ['campaign_id', 'campaign', input.campaign_id],
    ] as const) {
      if (value === null || value === undefined) continue;
      if (
        !isUuid(value) ||
        !(await tdb.one(
          sql`select 1 from ${sql.table(table)} where tenant_id = ${actor.tenantId} and id = ${value} and deleted_at is null`,
        ))
      )
        throw invalid([{ field, issue: 'invalid_reference' }]);
    }
  }

  async createForm(
    actor: Actor,
    input: FormInput & { name: string },
  ): Promise<{ id: string; form_key: string }> {
    await this.checkFormInput(actor, input);
    const id = newId();
    // The key carries the tenant, so the public endpoint finds the form with a primary-key lookup.
    const formKey = `${actor.tenantId.replace(/-/g, '')}${crypto.randomBytes(9).toString('base64url')}`;
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      await tx.exec0(sql`insert into lead_form (tenant_id, id, form_key, name, pool_id, campaign_id, allowed_origins, thank_you)
        values (${actor.tenantId}, ${id}, ${formKey}, ${input.name.trim()}, ${input.pool_id ?? null}, ${input.campaign_id ?? null}, ${input.allowed_origins ?? []}, ${JSON.stringify(input.thank_you ?? {})}::jsonb)`);
      await writeAudit(tx, actor, [
        { action: 'admin', object: 'lead_form', recordId: id, changes: { name: [null, input.name] } },
      ]);
    });
    return { id, form_key: formKey };
  }

  /** Changes the given keys of a form (same checks as create); `active: false` switches it off. */
  async updateForm(
    actor: Actor,
    id: string,
    input: FormInput & { active?: boolean | undefined },
  ): Promise<LeadFormRow> {
    await this.checkFormInput(actor, input);
    if (!isUuid(id)) throw notFound();
    return this.tdb(actor.tenantId).transaction(async (tx) => {
      const before = await tx.one(sql<LeadFormRow>`select ${sql.raw(FORM_COLUMNS)} from lead_form
        where tenant_id = ${actor.tenantId} and id = ${id} for update`);
      if (!before) throw notFound();
      const next: LeadFormRow = {
        ...before,
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.pool_id !== undefined ? { pool_id: input.pool_id } : {}),
        ...(input.campaign_id !== undefined ? { campaign_id: input.campaign_id } : {}),
        ...(input.allowed_origins !== undefined ? { allowed_origins: input.allowed_origins } : {}),
        ...(input.thank_you !== undefined ? { thank_you: input.thank_you } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
      };
      const changes: Record<string, [unknown, unknown]> = {};
      for (const k of ['name', 'pool_id', 'campaign_id', 'allowed_origins', 'thank_you', 'active'] as const)
        if (JSON.stringify(before[k]) !== JSON.stringify(next[k])) changes[k] = [before[k], next[k]];
      if (Object.keys(changes).length === 0) return before;
      const after =
        await tx.one(sql<LeadFormRow>`update lead_form set name = ${next.name}, pool_id = ${next.pool_id},
          campaign_id = ${next.campaign_id}, allowed_origins = ${next.allowed_origins},
          thank_you = ${JSON.stringify(next.thank_you)}::jsonb, active = ${next.active}
        where tenant_id = ${actor.tenantId} and id = ${id} returning ${sql.raw(FORM_COLUMNS)}`);
      await writeAudit(tx, actor, [{ action: 'admin', object: 'lead_form', recordId: id, changes }]);
      return after ?? next;
    });
  }

  async listForms(actor: Actor): Promise<LeadFormRow[]> {
    if (!actor.isAdmin) throw forbidden();
    return this.tdb(actor.tenantId).query(
      sql<LeadFormRow>`select ${sql.raw(FORM_COLUMNS)} from lead_form where tenant_id = ${actor.tenantId} order by created_at`,
    );
  }

  /** Finds an active form by its public key (tenant id is its first 32 hex characters). */
  async formByKey(formKey: string): Promise<
    | {
        tenantId: string;
        id: string;
        pool_id: string | null;
        campaign_id: string | null;
        allowed_origins: string[];
        thank_you: Record<string, unknown>;
        time_zone: string;
        currency: string;
      }
    | undefined
  > {
    const m = /^([0-9a-f]{32})[A-Za-z0-9_-]{12}$/.exec(formKey);
    if (!m?.[1]) return undefined;
    const h = m[1];
    const tenantId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    const f = await this.tdb(tenantId).one(sql<{
      id: string;
      pool_id: string | null;
      campaign_id: string | null;
      allowed_origins: string[];
      thank_you: Record<string, unknown>;
      time_zone: string;
      currency: string;
    }>`
      select f.id, f.pool_id, f.campaign_id, f.allowed_origins, f.thank_you, t.time_zone, t.currency
      from lead_form f join tenant t on t.id = f.tenant_id where f.tenant_id = ${tenantId} and f.form_key = ${formKey} and f.active`);
    return f ? { tenantId, ...f } : undefined;
  }
}
