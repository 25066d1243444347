import type { FieldDef, ObjectDef, Rec } from '../metadata/types.ts';
import type { Locale } from '../i18n/i18n.ts';
import { fromMinorUnits } from '../metadata/values.rules.ts';

/** A record value as a spreadsheet cell (the inverse of import's text coercion). */
export function toCell(
  f: FieldDef,
  v: unknown,
  format: 'csv' | 'xlsx' = 'csv',
): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  switch (f.type) {
    case 'currency': {
      const c = v as { amount: number; currency: string };
      return fromMinorUnits(c.amount, c.currency);
    }
    case 'multi_select':
      return (v as string[]).join(';');
    case 'number':
    case 'percent':
    case 'boolean':
      return v as number | boolean;
    default:
      // XLSX cells are typed strings already; only CSV text is re-parsed by spreadsheet programs
      return format === 'csv' ? neutraliseFormula(String(v)) : String(v);
  }
}

/**
 * Spreadsheet programs run cells starting with = + - @ as formulas ("CSV injection"); user text
 * such as a company name gets a leading apostrophe so it stays text. Numbers and money are not
 * touched (a negative amount is not a formula).
 */
export function neutraliseFormula(s: string): string {
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

const norm = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_*（）()]/g, '');

/** Suggests header → field by API name or zh-CN / en-US label. */
export function autoMap(obj: ObjectDef, writable: FieldDef[], headers: string[]): Record<string, string> {
  const mapping: Record<string, string> = {};
  const used = new Set<string>();
  for (const h of headers) {
    const n = norm(h);
    const f = writable.find(
      (x) =>
        !used.has(x.apiName) &&
        (norm(x.apiName) === n || norm(x.label['zh-CN']) === n || norm(x.label['en-US']) === n),
    );
    if (f) {
      mapping[h] = f.apiName;
      used.add(f.apiName);
    }
  }
  void obj;
  return mapping;
}

/** Header labels for an export in the reader's language. */
export function headerFor(f: FieldDef, locale: Locale): string {
  return f.label[locale];
}

/** Row cells → record input using a header→field mapping (unmapped columns ignored). */
export function rowToInput(headers: string[], cells: string[], mapping: Record<string, string>): Rec {
  const input: Rec = {};
  headers.forEach((h, i) => {
    const field = mapping[h];
    if (!field) return;
    const v = cells[i];
    // undo neutraliseFormula, so exported files import back unchanged
    if (v !== undefined && v !== '') input[field] = /^'[=+\-@]/.test(v) ? v.slice(1) : v;
  });
  return input;
}
