import { sql } from 'kysely';
import { AppError } from '../../platform/http/errors.ts';
import type { ObjectHooks } from '../../platform/metadata/types.ts';

// Generic deletes (the recycle bin) must not take money records away from under their links:
// a plan something was paid on, a payment with allocations or reconciliations, an invoice that
// was issued. Their life ends through their actions (allocate, refund, void, credit) instead.

export const paymentPlanHooks: ObjectHooks = {
  async afterWrite(hc, { op, after }) {
    if (op !== 'delete') return;
    const row = await hc.tx.one(sql<{ n: number }>`select count(*)::int8 as n from payment_allocation a
      join payment_instalment i on i.tenant_id = a.tenant_id and i.id = a.instalment_id
      where i.tenant_id = ${hc.tenantId} and i.plan_id = ${String(after.id)}`);
    if (Number(row?.n ?? 0) > 0) throw new AppError('conflict', 'plan_has_payments');
  },
};

export const paymentHooks: ObjectHooks = {
  async afterWrite(hc, { op, after }) {
    if (op !== 'delete') return;
    const row = await hc.tx.one(sql<{ n: number }>`select
        (select count(*) from payment_allocation where tenant_id = ${hc.tenantId} and payment_id = ${String(after.id)})
      + (select count(*) from invoice_payment where tenant_id = ${hc.tenantId} and payment_id = ${String(after.id)})
      + (select count(*) from customer_credit where tenant_id = ${hc.tenantId} and payment_id = ${String(after.id)} and reason = 'refunded') as n`);
    if (Number(row?.n ?? 0) > 0) throw new AppError('conflict', 'payment_state_conflict');
  },
};

export const invoiceHooks: ObjectHooks = {
  afterWrite(_hc, { op, after }) {
    if (op !== 'delete') return;
    if (after.status !== 'applied' && after.status !== 'voided')
      throw new AppError('conflict', 'invoice_state_conflict', [], { status: String(after.status) });
  },
};
