import type { Locale, Money } from '../api/types';

const WAN = 10_000;
const YI = 100_000_000;

function decimals(value: number, max: number, locale: Locale, min = 0): string {
  return new Intl.NumberFormat(locale, { minimumFractionDigits: min, maximumFractionDigits: max }).format(
    value,
  );
}

function zhSymbol(currency: string): string {
  if (currency === 'CNY') return '¥';
  const part = new Intl.NumberFormat('zh-CN', {
    style: 'currency',
    currency,
    currencyDisplay: 'narrowSymbol',
  })
    .formatToParts(0)
    .find((p) => p.type === 'currency');
  return part?.value ?? `${currency} `;
}

/**
 * Money from minor units. zh-CN readers think in 万/亿 for large amounts (¥12.35万, ¥1.2亿);
 * en-US shows the ISO code with thousands separators (CNY 123,456.78).
 */
export function formatMoney(money: Money, locale: Locale): string {
  const major = money.amount / 100;
  const sign = major < 0 ? '-' : '';
  const abs = Math.abs(major);
  if (locale === 'zh-CN') {
    const symbol = zhSymbol(money.currency);
    if (abs >= YI) return `${sign}${symbol}${decimals(abs / YI, 2, locale)}亿`;
    if (abs >= WAN) return `${sign}${symbol}${decimals(abs / WAN, 2, locale)}万`;
    return `${sign}${symbol}${decimals(abs, 2, locale, 2)}`;
  }
  return `${sign}${money.currency} ${decimals(abs, 2, locale, 2)}`;
}

export function formatNumber(value: number, locale: Locale): string {
  return decimals(value, 4, locale);
}

/** Users type yuan; the API stores fen. Rounds to whole fen; null for non-numbers. */
export function yuanToFen(yuan: number | string | null | undefined): number | null {
  if (yuan === null || yuan === undefined || yuan === '') return null;
  const n = typeof yuan === 'number' ? yuan : Number(String(yuan).replace(/[,\s¥]/g, ''));
  return Number.isFinite(n) ? Math.round(n * 100) : null;
}

export function fenToYuan(fen: number): number {
  return fen / 100;
}
