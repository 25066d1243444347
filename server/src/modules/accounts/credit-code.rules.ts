// Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a 31-character
// alphabet (digits and capitals without I, O, S, V, Z); the last one is a check character.

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Upper case, half width, no spaces: how codes are stored and compared. */
export function normaliseCreditCode(raw: string): string {
  return raw.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
}

/** The check character the first 17 characters call for, or null when one is outside the alphabet. */
export function creditCodeCheckChar(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = ALPHABET.indexOf(first17.charAt(i));
    if (v < 0) return null;
    sum += v * (WEIGHTS[i] ?? 0);
  }
  const c = (31 - (sum % 31)) % 31;
  return ALPHABET.charAt(c);
}

/** True for a well-formed code whose check character is right (input already normalised). */
export function isValidCreditCode(code: string): boolean {
  if (code.length !== 18) return false;
  const check = creditCodeCheckChar(code.slice(0, 17));
  return check !== null && check === code.charAt(17);
}
