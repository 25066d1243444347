/**
 * Normalisation applied on every lead entry path (form, API, import, manual) so the duplicate
 * check compares like with like.
 */

/** Phone → E.164; Chinese numbers without a country code get +86. undefined when not a phone. */
export function normalisePhone(raw: string, defaultCountry = '86'): string | undefined {
  const s = raw.normalize('NFKC').trim();
  if (!s) return undefined;
  const plus = s.startsWith('+');
  let digits = s.replace(/[^\d]/g, '');
  if (!digits) return undefined;
  if (plus) return /^\d{8,15}$/.test(digits) ? `+${digits}` : undefined;
  if (digits.startsWith('00')) digits = digits.slice(2);
  else if (digits.startsWith(defaultCountry) && digits.length === defaultCountry.length + 11) {
    // 8613812345678: a mobile number already carrying the country code
  } else if (defaultCountry === '86' && /^1[3-9]\d{9}$/.test(digits)) digits = `86${digits}`;
  else if (defaultCountry === '86' && /^0[1-9]\d{8,10}$/.test(digits)) digits = `86${digits.slice(1)}`;
  else digits = `${defaultCountry}${digits}`;
  return /^\d{8,15}$/.test(digits) ? `+${digits}` : undefined;
}

export function normaliseEmail(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase();
}

/** Legal forms and generic words stripped before comparing company names (longest first). */
export const COMPANY_SUFFIXES = [
  '集团股份有限公司',
  '集团有限公司',
  '股份有限公司',
  '有限责任公司',
  '有限公司',
  '集团公司',
  '集团',
  '公司',
  '科技',
  'co., ltd.',
  'co.,ltd.',
  'co. ltd.',
  'co ltd',
  'limited',
  'ltd.',
  'ltd',
  'inc.',
  'inc',
  'llc',
  'gmbh',
] as const;

/**
 * Company name for duplicate checks: full-width → half-width, case and spaces folded, a
 * parenthesised region ("（中国）") and legal suffixes removed. 杭州云帆科技有限公司 → 杭州云帆.
 */
export function normaliseCompany(raw: string): string {
  let s = raw.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  s = s.replace(/[(（][^()（）]{1,10}[)）]/g, '');
  let changed = true;
  while (changed) {
    changed = false;
    // a name that is nothing but a legal form stays as it is
    if ((COMPANY_SUFFIXES as readonly string[]).includes(s)) break;
    for (const suffix of COMPANY_SUFFIXES) {
      // Latin legal forms only as a separate word ("zinc" is not "z" + "inc")
      const latin = /^[a-z]/.test(suffix);
      const boundary = !latin || /[\s,.]$/.test(s.slice(0, -suffix.length));
      if (s.endsWith(suffix) && s.length > suffix.length && boundary) {
        s = s
          .slice(0, -suffix.length)
          .trim()
          .replace(/[,.\s]+$/, '');
        changed = true;
      }
    }
  }
  return s.replace(/\s+/g, '');
}
