import { sql } from 'kysely';
import { AppError, invalid } from '../../platform/http/errors.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import type { HookContext, ObjectHooks, Rec } from '../../platform/metadata/types.ts';
import { nextNumber } from './numbering.ts';
import {
  canMove,
  isEditable,
  isQuoteStatus,
  LIFECYCLE_FIELDS,
  TOTAL_FIELDS,
  validUntilIssue,
} from './quotes.rules.ts';

const blank = (v: unknown): boolean => v === null || v === undefined || v === '';

async function tenantCurrency(hc: HookContext): Promise<string> {
  const r = await hc.tx.one(sql<{ currency: string }>`select currency from tenant where id = ${hc.tenantId}`);
  return r?.currency ?? 'CNY';
}

/**
 * Quotes through the records engine: numbered and tied to the opportunity's account on create;
 * afterwards only a draft changes content, status moves follow the quote status machine, and a
 * sent or approved version keeps everything but its lifecycle fields (409 naming the status).
 */
export const quoteHooks: ObjectHooks = {
  async beforeWrite(hc, { op, before, after }) {
    const today = todayIn(hc.timeZone);
    if (op === 'create') {
      if (blank(after.number)) after.number = await nextNumber(hc.tx, 'quote', today, 'quote');
      if (!blank(after.opportunity_id)) {
        const opp = await hc.tx.one(sql<{ account_id: string }>`select account_id from opportunity
          where tenant_id = ${hc.tenantId} and id = ${String(after.opportunity_id)} and deleted_at is null`);
        // a missing opportunity is reported by the engine's reference check
        if (opp) after.account_id = opp.account_id;
      }
      if (blank(after.currency)) after.currency = await tenantCurrency(hc);
      for (const f of TOTAL_FIELDS)
        if (blank(after[f])) after[f] = { amount: 0, currency: String(after.currency) };
      if (blank(after.quote_version)) after.quote_version = 1;
      const issue = validUntilIssue(after.valid_until as string | null, today);
      if (issue) throw invalid([issue]);
      return;
    }
    if (!before) return;
    const from = isQuoteStatus(before.status) ? before.status : 'draft';
    const to = isQuoteStatus(after.status) ? after.status : from;
    const changed = Object.keys(after).filter(
      (f) => JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null),
    );
    if (to !== from && !canMove(from, to))
      throw new AppError('conflict', 'quote_state_conflict', [], { status: from });
    const content = changed.filter((f) => !LIFECYCLE_FIELDS.has(f));
    if (content.length && !isEditable(from))
      throw new AppError(
        'conflict',
        'quote_locked',
        content.map((field) => ({ field, issue: 'read_only' as const })),
        { status: from },
      );
    if (changed.includes('valid_until')) {
      const issue = validUntilIssue(after.valid_until as string | null, today);
      if (issue) throw invalid([issue]);
    }
    if (blank(after.number)) after.number = (before as Rec).number;
  },
};
