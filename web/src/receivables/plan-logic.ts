// Payment-plan form rules on the client (docs/API.md §18, server receivables.rules.ts): the form
// shows the running sum against the order/contract amount and may save only when it matches
// exactly, so the server's 422 is the exception, not the way to find out. Money in integer fen.
import { fenToYuanText, parseScaled, yuanToFenExact } from '../cash/order-logic';

export type PlanMode = 'amount' | 'percent';

/** One instalment row as typed: yuan or percent text, so nothing is rounded while typing. */
export interface InstalmentDraft {
  key: string;
  due_date: string | null;
  amount: string;
  percent: string;
  note: string;
}

export type InstalmentField = 'due_date' | 'amount' | 'percent';
export type RowIssue = 'required' | 'invalid' | 'not_ascending';

/** Percents are accepted with up to 4 decimals (33.3333), computed as integers × 10⁴ like the server. */
export const PERCENT_DECIMALS = 4;
const HUNDRED = 100n * 10n ** BigInt(PERCENT_DECIMALS);

let seq = 0;
export function newInstalmentKey(): string {
  seq += 1;
  return `i${seq}`;
}

export function emptyInstalment(due: string | null = null): InstalmentDraft {
  return { key: newInstalmentKey(), due_date: due, amount: '', percent: '', note: '' };
}

/**
 * The server's largest-remainder split (receivables.rules.ts splitByPercent): each share floored
 * to the fen, the fen left over going one each to the largest remainders (earlier row on a tie),
 * so the preview shows exactly the amounts the plan will get.
 */
export function splitByPercent(totalFen: number, scaled: bigint[]): number[] {
  const t = BigInt(totalFen);
  const base = scaled.map((p) => (t * p) / HUNDRED);
  const rest = scaled.map((p) => (t * p) % HUNDRED);
  let left = Number(t - base.reduce((a, b) => a + b, 0n));
  const order = rest
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1))
    .map((x) => x.i);
  const out = base.map(Number);
  for (const i of order) {
    if (left <= 0) break;
    out[i] = (out[i] ?? 0) + 1;
    left -= 1;
  }
  return out;
}

/** A percent text as an integer × 10⁴ in (0, 100], or null. */
export function percentScaled(text: string): bigint | null {
  const v = parseScaled(text, PERCENT_DECIMALS);
  return v === null || v <= 0n || v > HUNDRED ? null : v;
}

export interface PlanCheck {
  /** every row valid and the sum exactly the plan amount (or 100 %) */
  ok: boolean;
  /** the fen each row comes to (null while it cannot be computed) */
  amounts: (number | null)[];
  /** Σ of the rows' amounts in fen (rows that are not numbers count 0) */
  sumFen: number;
  /** total − sum: > 0 still to plan, < 0 planned too much */
  diffFen: number;
  /** Σ percent × 10⁴ in percent mode */
  percentSum: bigint | null;
  rows: Record<number, Partial<Record<InstalmentField, RowIssue>>>;
}

/**
 * Checks the rows against `totalFen`: due dates present and strictly ascending (the sequence is
 * the due order the matching relies on), amounts > 0 fen or percents in (0, 100], and the sum
 * exactly the total — by amount Σ fen = total; by percent Σ = 100 % (the split then adds up).
 */
export function checkPlan(totalFen: number, mode: PlanMode, drafts: InstalmentDraft[]): PlanCheck {
  const rows: PlanCheck['rows'] = {};
  const flag = (i: number, f: InstalmentField, issue: RowIssue) => {
    rows[i] = { ...rows[i], [f]: issue };
  };
  drafts.forEach((d, i) => {
    if (!d.due_date) flag(i, 'due_date', 'required');
    else if (i > 0) {
      const prev = drafts[i - 1]?.due_date;
      if (prev && d.due_date <= prev) flag(i, 'due_date', 'not_ascending');
    }
  });
  let amounts: (number | null)[];
  let percentSum: bigint | null = null;
  if (mode === 'percent') {
    const scaled = drafts.map((d) => percentScaled(d.percent));
    scaled.forEach((s, i) => {
      if (s === null) flag(i, 'percent', drafts[i]?.percent.trim() ? 'invalid' : 'required');
    });
    percentSum = scaled.reduce<bigint>((a, s) => a + (s ?? 0n), 0n);
    amounts =
      percentSum === HUNDRED && scaled.every((s) => s !== null)
        ? splitByPercent(
            totalFen,
            scaled.map((s) => s ?? 0n),
          )
        : scaled.map((s) => (s === null ? null : Number((BigInt(totalFen) * s) / HUNDRED)));
  } else {
    amounts = drafts.map((d) => {
      const fen = yuanToFenExact(d.amount);
      return fen === null || fen <= 0 ? null : fen;
    });
    amounts.forEach((a, i) => {
      if (a === null) flag(i, 'amount', drafts[i]?.amount.trim() ? 'invalid' : 'required');
    });
  }
  const sumFen = amounts.reduce<number>((a, b) => a + (b ?? 0), 0);
  const diffFen = totalFen - sumFen;
  const sumOk = mode === 'percent' ? percentSum === HUNDRED : diffFen === 0;
  return {
    ok: drafts.length > 0 && Object.keys(rows).length === 0 && sumOk,
    amounts,
    sumFen,
    diffFen,
    percentSum,
    rows,
  };
}

/** Percent × 10⁴ as the text a person reads ("33.3333", "100"). */
export function percentText(scaled: bigint): string {
  const s = scaled.toString().padStart(PERCENT_DECIMALS + 1, '0');
  const int = s.slice(0, -PERCENT_DECIMALS);
  const frac = s.slice(-PERCENT_DECIMALS).replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}

export interface InstalmentPayload {
  due_date: string;
  amount?: number;
  percent?: number;
  note?: string | null;
}

/** The body's instalments: all by amount (fen) or all by percent, as the server requires. */
export function planPayload(mode: PlanMode, drafts: InstalmentDraft[]): InstalmentPayload[] {
  return drafts.map((d) => {
    const note = d.note.trim() || null;
    if (mode === 'percent') {
      const s = percentScaled(d.percent);
      return {
        due_date: d.due_date ?? '',
        percent: s === null ? 0 : Number(s) / 10 ** PERCENT_DECIMALS,
        note,
      };
    }
    return { due_date: d.due_date ?? '', amount: yuanToFenExact(d.amount) ?? 0, note };
  });
}

/**
 * `count` instalments splitting `totalFen` evenly (the first ones take the odd fen), monthly from
 * `firstDue` — a starting point people then adjust.
 */
export function evenInstalments(totalFen: number, count: number, firstDue: string): InstalmentDraft[] {
  const n = Math.max(1, Math.floor(count));
  const base = Math.floor(totalFen / n);
  const extra = totalFen - base * n;
  return Array.from({ length: n }, (_, i) => ({
    ...emptyInstalment(addMonths(firstDue, i)),
    amount: fenToYuanText(base + (i < extra ? 1 : 0)),
  }));
}

/** YYYY-MM-DD plus whole months, the day clamped to the month's end (01-31 + 1 → 02-28). */
export function addMonths(ymd: string, months: number): string {
  const [y = 0, m = 1, d = 1] = ymd.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(d, last);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export interface PlacedPlanErrors {
  rows: Record<number, Partial<Record<InstalmentField | 'note', string>>>;
  /** messages not about one row (the sum, the order), shown above the rows */
  rest: string[];
}

const ROW_FIELDS = ['due_date', 'amount', 'percent', 'note'] as const;

/** The server's 422 details on the rows they name (`instalments[1].due_date`); the rest above. */
export function placePlanErrors(details: { field?: string; issue: string }[]): PlacedPlanErrors {
  const out: PlacedPlanErrors = { rows: {}, rest: [] };
  for (const d of details) {
    const m = /^instalments\[(\d+)\]\.(due_date|amount|percent|note)$/.exec(d.field ?? '');
    if (m) {
      const i = Number(m[1]);
      const f = ROW_FIELDS.find((x) => x === m[2]);
      if (f) out.rows[i] = { ...out.rows[i], [f]: d.issue };
    } else out.rest.push(d.issue);
  }
  return out;
}
