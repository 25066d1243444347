import type { FieldDef } from './types.ts';
import type { FieldIssue } from '../http/errors.ts';
import { isUuid } from '../db/ids.ts';

export type Coerced = { ok: true; value: unknown } | { ok: false; issue: Omit<FieldIssue, 'field'> };

const ok = (value: unknown): Coerced => ({ ok: true, value });
const bad = (issue: FieldIssue['issue'], params?: FieldIssue['params']): Coerced => ({
  ok: false,
  issue: params ? { issue, params } : { issue },
});

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_RE = /^\+?[0-9][0-9\s\-()]{3,24}$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const CURRENCY_RE = /^[A-Z]{3}$/;
const TEXT_MAX = 255;
const LONG_TEXT_MAX = 100_000;
// Money in minor units must stay exact in JS numbers and in bigint columns.
const MONEY_MAX = Number.MAX_SAFE_INTEGER;

export function isValidDate(s: string): boolean {
  // PostgreSQL has no year 0
  if (!DATE_RE.test(s) || s.startsWith('0000')) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function checkRange(f: FieldDef, n: number): Coerced {
  if (f.min !== undefined && n < f.min) return bad('too_small', { min: f.min });
  if (f.max !== undefined && n > f.max) return bad('too_large', { max: f.max });
  return ok(n);
}

/**
 * Validates one incoming value against its field and returns it in storage-ready API form.
 * `null` clears a field (required-ness is checked separately, on the whole record).
 * With `fromText` (query strings, CSV cells) strings are parsed into numbers/booleans/lists.
 */
export function coerceValue(f: FieldDef, raw: unknown, fromText = false, defaultCurrency = 'CNY'): Coerced {
  if (raw === null || raw === undefined || (fromText && raw === '')) return ok(null);
  switch (f.type) {
    case 'text':
    case 'long_text':
    case 'email':
    case 'phone':
    case 'url': {
      if (typeof raw !== 'string') return bad('expected_type', { type: 'string' });
      // PostgreSQL text cannot hold U+0000
      if (raw.includes('\u0000')) return bad('invalid_value');
      // full-width digits and letters (typed with a Chinese IME) count as their ASCII forms here
      const s = (
        f.type === 'phone' || f.type === 'email' || f.type === 'url' ? raw.normalize('NFKC') : raw
      ).trim();
      if (s === '') return ok(null);
      const max = f.maxLength ?? (f.type === 'long_text' ? LONG_TEXT_MAX : TEXT_MAX);
      if (s.length > max) return bad('too_long', { max });
      if (f.type === 'email') return EMAIL_RE.test(s) ? ok(s.toLowerCase()) : bad('invalid_email');
      if (f.type === 'phone') return PHONE_RE.test(s) ? ok(s) : bad('invalid_phone');
      if (f.type === 'url') {
        try {
          const u = new URL(s);
          return u.protocol === 'http:' || u.protocol === 'https:' ? ok(s) : bad('invalid_url');
        } catch {
          return bad('invalid_url');
        }
      }
      return ok(s);
    }
    case 'number':
    case 'percent': {
      const n = typeof raw === 'string' && fromText ? Number(raw.replace(/,/g, '')) : raw;
      if (typeof n !== 'number' || !Number.isFinite(n)) return bad('expected_type', { type: 'number' });
      if (Math.abs(n) > 1e15) return bad('too_large', { max: 1e15 });
      return checkRange(f, n);
    }
    case 'currency': {
      // Accepts { amount, currency } or a bare integer amount in minor units (tenant currency).
      let amount: unknown = raw;
      let currency: unknown = defaultCurrency;
      if (typeof raw === 'object' && !Array.isArray(raw)) {
        const o = raw as Record<string, unknown>;
        amount = o.amount;
        currency = o.currency ?? defaultCurrency;
      } else if (typeof raw === 'string' && fromText) {
        // Spreadsheet cells hold major units ("12,345.67" 元); store minor units.
        amount = toMinorUnits(raw, defaultCurrency);
      }
      if (typeof amount !== 'number' || !Number.isInteger(amount))
        return bad('expected_type', { type: 'integer (minor units)' });
      if (Math.abs(amount) > MONEY_MAX) return bad('too_large', { max: MONEY_MAX });
      if (typeof currency !== 'string' || !CURRENCY_RE.test(currency)) return bad('invalid_currency');
      const range = checkRange(f, amount);
      return range.ok ? ok({ amount, currency }) : range;
    }
    case 'date':
      return typeof raw === 'string' && isValidDate(raw) ? ok(raw) : bad('invalid_date');
    case 'datetime': {
      if (typeof raw !== 'string') return bad('invalid_datetime');
      const d = new Date(raw);
      if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(raw)) return bad('invalid_datetime');
      return ok(d.toISOString());
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return ok(raw);
      if (fromText && typeof raw === 'string') {
        const s = raw.trim().toLowerCase();
        if (['true', '1', 'yes', '是', 'y'].includes(s)) return ok(true);
        if (['false', '0', 'no', '否', 'n'].includes(s)) return ok(false);
      }
      return bad('expected_type', { type: 'boolean' });
    }
    case 'select': {
      if (typeof raw !== 'string') return bad('expected_type', { type: 'string' });
      const opt = matchOption(f, raw, fromText);
      return opt === undefined ? bad('invalid_option', { value: raw }) : ok(opt);
    }
    case 'multi_select': {
      let list: unknown = raw;
      if (fromText && typeof raw === 'string')
        list = raw
          .split(/[;,，；]/)
          .map((s) => s.trim())
          .filter(Boolean);
      if (!Array.isArray(list) || list.some((v) => typeof v !== 'string'))
        return bad('expected_type', { type: 'array of strings' });
      const out: string[] = [];
      for (const v of list as string[]) {
        const opt = matchOption(f, v, fromText);
        if (opt === undefined) return bad('invalid_option', { value: v });
        if (!out.includes(opt)) out.push(opt);
      }
      return ok(out);
    }
    case 'lookup':
    case 'user':
      return isUuid(raw) ? ok((raw as string).toLowerCase()) : bad('expected_type', { type: 'id' });
  }
}

/** Option by value; from text (imports) also by its zh-CN or en-US label. */
function matchOption(f: FieldDef, raw: string, byLabel: boolean): string | undefined {
  const opts = f.options ?? [];
  const s = raw.trim();
  const exact = opts.find((o) => o.value === s);
  if (exact) return exact.value;
  if (!byLabel) return undefined;
  const lower = s.toLowerCase();
  return opts.find((o) => o.label['zh-CN'] === s || o.label['en-US'].toLowerCase() === lower)?.value;
}

/** Decimal places of a currency's minor unit (CNY/USD 2, JPY 0). */
export function minorDigits(currency: string): number {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    // Building an Intl.NumberFormat is slow (it showed up at 12% of an import's CPU): once per currency.
    try {
      d =
        new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
          .maximumFractionDigits ?? 2;
    } catch {
      d = 2;
    }
    digitsCache.set(currency, d);
  }
  return d;
}
const digitsCache = new Map<string, number>();

/** "12,345.67" → 1234567 (for CNY); undefined when not an exact amount. */
export function toMinorUnits(text: string, currency: string): number | undefined {
  const s = text.replace(/[,\s¥￥$]/g, '');
  const digits = minorDigits(currency);
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return undefined;
  const frac = m[3] ?? '';
  if (frac.length > digits) return undefined;
  const n = Number(`${m[2]}${frac.padEnd(digits, '0')}`);
  return m[1] === '-' ? -n : n;
}

/** 1234567 → "12345.67" (for CNY). */
export function fromMinorUnits(amount: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(amount);
  const neg = amount < 0;
  const s = String(Math.abs(amount)).padStart(digits + 1, '0');
  return `${neg ? '-' : ''}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}
