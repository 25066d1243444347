// Manual split of a payment over open instalments (POST /payments/{id}/allocate): pure rules so
// the matching screen can say, before saving, what goes where and what stays credit.
import { yuanToFenExact } from '../cash/order-logic';

/** An instalment the payment may pay, with what it may still take from THIS payment. */
export interface SplitRow {
  instalment_id: string;
  /**
   * open amount + what this payment already has on it: a save replaces the payment's
   * allocations, so its own money is released before the new split is checked.
   */
  room: number;
  /** yuan as typed */
  amount: string;
}

export interface SplitCheck {
  ok: boolean;
  /** Σ of the valid row amounts, fen */
  totalFen: number;
  /** what stays the customer's credit (available − total; negative when over) */
  creditFen: number;
  rows: Record<string, 'invalid' | 'too_large'>;
  /** Σ > what the payment has to give */
  over: boolean;
}

/**
 * Each non-blank amount must be > 0 fen and at most the instalment's room; the total at most
 * the payment's available money (amount − refunded); what is left becomes credit.
 */
export function checkSplit(availableFen: number, rows: SplitRow[]): SplitCheck {
  const issues: SplitCheck['rows'] = {};
  let total = 0;
  for (const r of rows) {
    if (!r.amount.trim()) continue;
    const fen = yuanToFenExact(r.amount);
    if (fen === null || fen < 0) issues[r.instalment_id] = 'invalid';
    else if (fen > r.room) issues[r.instalment_id] = 'too_large';
    else total += fen;
  }
  const over = total > availableFen;
  return {
    ok: Object.keys(issues).length === 0 && !over,
    totalFen: total,
    creditFen: availableFen - total,
    rows: issues,
    over,
  };
}

/** The body's allocations: rows with more than 0 fen (blank or 0 means "nothing here"). */
export function splitPayload(rows: SplitRow[]): { instalment_id: string; amount: number }[] {
  return rows.flatMap((r) => {
    const fen = yuanToFenExact(r.amount);
    return fen !== null && fen > 0 ? [{ instalment_id: r.instalment_id, amount: fen }] : [];
  });
}

/**
 * Fills the rows oldest first with what is available (the server's "oldest first" rule), as a
 * starting point for a manual split; rows keep their order.
 */
export function fillOldestFirst(
  availableFen: number,
  rows: SplitRow[],
  toText: (fen: number) => string,
): SplitRow[] {
  let left = availableFen;
  return rows.map((r) => {
    const take = Math.max(0, Math.min(left, r.room));
    left -= take;
    return { ...r, amount: take > 0 ? toText(take) : '' };
  });
}
