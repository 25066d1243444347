import { sql } from 'kysely';
import { AppError, invalid } from '../../platform/http/errors.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import type { HookContext, ObjectHooks, Rec } from '../../platform/metadata/types.ts';
import { nextNumber } from './numbering.ts';

const blank = (v: unknown): boolean => v === null || v === undefined || v === '';

// Fields an order keeps once confirmed: they decide when and for whom revenue is booked.
const CONFIRMED_LOCKED = ['account_id', 'type', 'order_date', 'contract_id'] as const;

async function tenantCurrency(hc: HookContext): Promise<string> {
  const r = await hc.tx.one(sql<{ currency: string }>`select currency from tenant where id = ${hc.tenantId}`);
  return r?.currency ?? 'CNY';
}

/** Orders: numbered on create, key facts frozen once confirmed, nothing changes once cancelled. */
export const orderHooks: ObjectHooks = {
  async beforeWrite(hc, { op, before, after }) {
    if (op === 'create') {
      if (blank(after.number))
        after.number = await nextNumber(
          hc.tx,
          'order',
          String(after.order_date ?? todayIn(hc.timeZone)),
          'sales_order',
        );
      if (blank(after.amount)) after.amount = { amount: 0, currency: await tenantCurrency(hc) };
      return;
    }
    if (!before) return;
    const changed = (f: string): boolean =>
      JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null);
    if (before.status === 'cancelled' && after.status === 'cancelled' && CONFIRMED_LOCKED.some(changed))
      throw new AppError('conflict', 'order_cancelled');
    if (before.status === 'confirmed') {
      const locked = CONFIRMED_LOCKED.filter(changed);
      if (locked.length)
        throw invalid(locked.map((field) => ({ field, issue: 'order_confirmed_fields' as const })));
    }
    if (blank(after.number)) after.number = before.number;
  },
};

/** Contracts: numbered from the tenant pattern (HT-2026-00001) on create; dates in order. */
export const contractHooks: ObjectHooks = {
  async beforeWrite(hc, { op, before, after }) {
    if (op === 'create' && blank(after.number))
      after.number = await nextNumber(
        hc.tx,
        'contract',
        String(after.sign_date ?? after.start_date ?? todayIn(hc.timeZone)),
        'contract',
      );
    if (op === 'update' && blank(after.number)) after.number = (before as Rec).number;
    if (
      !blank(after.start_date) &&
      !blank(after.end_date) &&
      String(after.start_date) > String(after.end_date)
    )
      throw invalid([{ field: 'end_date', issue: 'period_order' }]);
  },
};
