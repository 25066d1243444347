import crypto from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import type { Actor } from '../../platform/access/permissions.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { AppError, notFound } from '../../platform/http/errors.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { tenantTimeZone } from '../../platform/jobs/tenant-zone.ts';
import { findTenantBySlug } from '../../platform/identity/tenants.service.ts';
import type { Rec } from '../../platform/metadata/types.ts';
import { isIsoDate } from './order.rules.ts';
import { verifySignature } from './esign.rules.ts';
import { parseBody } from './zod-issues.ts';
import type { ApprovalHandler } from '../../platform/approvals/approvals.types.ts';

type Status = 'draft' | 'in_approval' | 'signed' | 'archived' | 'terminated';

/** Which statuses each action may start from (DOMAIN.md §4: review → signing → archive). */
const FROM: Record<'sign' | 'archive' | 'terminate' | 'esign', Status[]> = {
  sign: ['draft', 'in_approval'],
  archive: ['signed'],
  terminate: ['signed', 'archived'],
  esign: ['draft', 'in_approval'],
};

const isoDate = z.string().refine(isIsoDate, 'invalid_date');
const signSchema = z.strictObject({ sign_date: isoDate.optional(), version: z.number().int().optional() });
const terminateSchema = z.strictObject({
  reason: z.string().trim().min(1).max(500),
  version: z.number().int().optional(),
});
const callbackSchema = z.strictObject({
  contract_id: z.string().uuid(),
  document_id: z.string().trim().min(1).max(128),
  status: z.enum(['signed', 'declined']),
  signed_at: z.iso.datetime({ offset: true }).optional(),
});

/** Contract lifecycle actions and the e-signature round trip. */
export class ContractsService {
  constructor(readonly p: Platform) {}

  private tdb(tenantId: string): TenantDb {
    return TenantDb.for(this.p.db, tenantId);
  }

  async sign(actor: Actor, id: string, body: unknown): Promise<Rec> {
    const input = parseBody(signSchema, body);
    return this.transition(actor, id, 'sign', input.version, async (c, tx) => ({
      status: 'signed',
      sign_date: input.sign_date ?? todayIn(actor.timeZone),
      ...(await this.approvalGate(actor, c, tx)),
    }));
  }

  /**
   * Submits a draft contract to the approvals engine. A matching process takes it (in approval,
   * locked until decided); when none matches, no approval is needed and it may be signed at once.
   */
  async submit(actor: Actor, id: string): Promise<Rec> {
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      const c = await this.p.records.get(actor, 'contract', id);
      if (c.status !== 'draft')
        throw new AppError(
          'conflict',
          'contract_status',
          [{ field: 'status', issue: 'contract_status', params: { status: String(c.status) } }],
          {
            status: String(c.status),
          },
        );
      const instance = await this.p.approvals.submit(
        actor,
        { object: 'contract', recordId: id, trigger: 'manual' },
        tx,
      );
      if (!instance)
        await this.p.records.update(
          actor,
          'contract',
          id,
          { approval_status: 'not_required' },
          { tx, allowReadOnly: true },
        );
    });
    return this.p.records.get(actor, 'contract', id);
  }

  /**
   * Signing (or sending for signature) needs the approval a tenant's process asks for. From a
   * draft, a process that would take the contract means it must be submitted first: the trial
   * submission rolls back with the refusal. From in-approval, the approval must have passed.
   */
  private async approvalGate(actor: Actor, c: Rec, tx: TenantDb): Promise<Rec> {
    if (c.status === 'in_approval') {
      if (c.approval_status !== 'approved') throw new AppError('conflict', 'approval_pending');
      return {};
    }
    if (c.approval_status === 'not_required') return {};
    const instance = await this.p.approvals.submit(
      actor,
      { object: 'contract', recordId: String(c.id), trigger: 'manual' },
      tx,
    );
    if (instance) throw new AppError('conflict', 'approval_required');
    return { approval_status: 'not_required' };
  }

  async archive(actor: Actor, id: string, body: unknown): Promise<Rec> {
    const input = parseBody(signSchema.pick({ version: true }), body);
    return this.transition(actor, id, 'archive', input.version, async () => ({ status: 'archived' }));
  }

  async terminate(actor: Actor, id: string, body: unknown): Promise<Rec> {
    const input = parseBody(terminateSchema, body);
    return this.transition(actor, id, 'terminate', input.version, async () => ({ status: 'terminated' }), {
      reason: input.reason,
    });
  }

  /**
   * Sends the contract for e-signature: `contract.esign_requested` goes to the signing service
   * through the outbound webhooks; it answers on the signed callback endpoint.
   */
  async requestSignature(actor: Actor, id: string): Promise<Rec> {
    return this.transition(actor, id, 'esign', undefined, async (c, tx) => ({
      esign_status: 'sent',
      ...(await this.approvalGate(actor, c, tx)),
    }));
  }

  /** A new callback secret for the signing service (shown once; admin). */
  async rotateSecret(actor: Actor): Promise<{ secret: string }> {
    const secret = crypto.randomBytes(24).toString('base64url');
    await this.tdb(actor.tenantId).transaction(async (tx) => {
      await tx.exec0(sql`update tenant set settings = jsonb_set(coalesce(settings, '{}'::jsonb), '{cash}',
        coalesce(settings->'cash', '{}'::jsonb) || jsonb_build_object('esignSecret', ${secret}::text))
        where id = ${tx.tenantId}`);
      await writeAudit(tx, actor, [
        {
          action: 'admin',
          object: 'tenant',
          recordId: tx.tenantId,
          changes: { esign_secret: ['***', '***'] },
        },
      ]);
    });
    return { secret };
  }

  /**
   * The signing service reports a result. Verified by HMAC over the raw body with the tenant's
   * secret; a bad or missing signature changes nothing and says only that it did not verify.
   */
  async callback(
    tenantSlug: string,
    signature: string | undefined,
    rawBody: string,
  ): Promise<{ contract_id: string; status: string }> {
    const tenant = await findTenantBySlug(this.p.db, tenantSlug);
    const tdb = tenant ? this.tdb(tenant.id) : undefined;
    const secretRow = tdb
      ? await tdb.one(
          sql<{
            secret: string | null;
          }>`select settings->'cash'->>'esignSecret' as secret from tenant where id = ${tdb.tenantId}`,
        )
      : undefined;
    const secret = secretRow?.secret;
    if (!tdb || !secret || !verifySignature(secret, signature, rawBody, Math.floor(Date.now() / 1000)))
      throw new AppError('unauthorized', 'invalid_signature');
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      throw new AppError('bad_request', 'invalid_json', [{ field: 'body', issue: 'invalid_value' }]);
    }
    const input = parseBody(callbackSchema, body);
    const tz = await tenantTimeZone(tdb);
    await tdb.transaction(async (tx) => {
      const c = await tx.one(sql<{
        status: Status;
        esign_status: string | null;
        version: number;
      }>`select status, esign_status, version
        from contract where tenant_id = ${tx.tenantId} and id = ${input.contract_id} and deleted_at is null for update`);
      if (!c) throw notFound();
      // a repeated callback (the service retries) is answered the same way and changes nothing
      if (c.esign_status === input.status) return;
      if (c.esign_status !== 'sent')
        throw new AppError('conflict', 'contract_status', [], { status: c.esign_status ?? c.status });
      const signDate = input.signed_at ? todayIn(tz, new Date(input.signed_at)) : todayIn(tz);
      const changes: Rec =
        input.status === 'signed'
          ? {
              esign_status: 'signed',
              esign_document_id: input.document_id,
              status: 'signed',
              sign_date: signDate,
            }
          : { esign_status: 'declined', esign_document_id: input.document_id };
      await tx.exec0(sql`update contract set esign_status = ${changes.esign_status as string},
          esign_document_id = ${input.document_id},
          status = ${(changes.status as string | undefined) ?? c.status},
          sign_date = coalesce(${(changes.sign_date as string | undefined) ?? null}::date, sign_date),
          version = version + 1, updated_at = now(), updated_by = null
        where tenant_id = ${tx.tenantId} and id = ${input.contract_id}`);
      await writeAudit(tx, { userId: null, apiKeyId: null }, [
        {
          action: 'update',
          object: 'contract',
          recordId: input.contract_id,
          changes: Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, [null, v]])),
          meta: { via: 'esign_callback' },
        },
      ]);
      await emitEvents(tx, null, [
        {
          type: input.status === 'signed' ? 'contract.signed' : 'contract.esign_declined',
          object: 'contract',
          recordId: input.contract_id,
          payload: { id: input.contract_id, document_id: input.document_id, sign_date: signDate },
        },
      ]);
    });
    return { contract_id: input.contract_id, status: input.status };
  }

  private async transition(
    actor: Actor,
    id: string,
    action: keyof typeof FROM,
    version: number | undefined,
    changes: (contract: Rec, tx: TenantDb) => Promise<Rec>,
    meta: Rec = {},
  ): Promise<Rec> {
    return this.tdb(actor.tenantId).transaction(async (tx) => {
      const c = await this.p.records.get(actor, 'contract', id);
      const status = c.status as Status;
      if (!FROM[action].includes(status))
        throw new AppError(
          'conflict',
          'contract_status',
          [{ field: 'status', issue: 'contract_status', params: { status } }],
          {
            status,
          },
        );
      if (action === 'esign' && c.esign_status === 'sent')
        throw new AppError('conflict', 'contract_status', [], { status: 'sent' });
      const patch = await changes(c, tx);
      const updated = await this.p.records.update(actor, 'contract', id, patch, {
        tx,
        allowReadOnly: true,
        expectedVersion: version,
      });
      const type =
        action === 'sign'
          ? 'contract.signed'
          : action === 'archive'
            ? 'contract.archived'
            : action === 'terminate'
              ? 'contract.terminated'
              : 'contract.esign_requested';
      await emitEvents(tx, actor.userId, [
        {
          type,
          object: 'contract',
          recordId: id,
          payload: {
            id,
            number: updated.number,
            name: updated.name,
            account_id: updated.account_id,
            amount: updated.amount,
            party_a: updated.party_a,
            party_b: updated.party_b,
            sign_date: updated.sign_date,
            ...meta,
          },
        },
      ]);
      return updated;
    });
  }
}

/**
 * The contract's side of an approval: submitted → in approval (locked by the engine); approved →
 * may be signed; rejected, returned or withdrawn → back to draft with the result shown.
 */
export const contractApprovals: ApprovalHandler = {
  async onSubmitted(ctx, s) {
    await ctx.records.update(
      ctx.system,
      'contract',
      s.recordId,
      { status: 'in_approval', approval_status: 'pending' },
      { tx: ctx.tx, allowReadOnly: true },
    );
  },
  async onOutcome(ctx, o) {
    await ctx.records.update(
      ctx.system,
      'contract',
      o.recordId,
      o.outcome === 'approved'
        ? { approval_status: 'approved' }
        : { status: 'draft', approval_status: o.outcome },
      { tx: ctx.tx, allowReadOnly: true },
    );
  },
};
