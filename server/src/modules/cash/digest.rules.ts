import type { Locale } from '../../platform/i18n/i18n.ts';
import { addDays } from '../../platform/jobs/dates.rules.ts';

export interface DigestFigures {
  /** the business day reported (YYYY-MM-DD) */
  day: string;
  currency: string;
  /** net of refunds, minor units */
  dayTotal: number;
  dayCount: number;
  monthToDate: number;
  /** the same span of the previous month (1st … same day, clamped to its length) */
  previousMonthToDate: number;
  top: Array<{ account: string; amount: number; number: string }>;
}

/** The day a digest sent on `asOf` reports: the day before (the run is at 8:00). */
export function digestDay(asOf: string): string {
  return addDays(asOf, -1);
}

/** First day of the month of `day`, and the same span one month earlier (clamped: 03-31 → 02-28). */
export function monthSpans(day: string): { monthStart: string; prevStart: string; prevEnd: string } {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const monthStart = `${day.slice(0, 8)}01`;
  const py = m === 1 ? y - 1 : y;
  const pm = m === 1 ? 12 : m - 1;
  const prevDays = new Date(Date.UTC(py, pm, 0)).getUTCDate();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return {
    monthStart,
    prevStart: `${py}-${pad(pm)}-01`,
    prevEnd: `${py}-${pad(pm)}-${pad(Math.min(d, prevDays))}`,
  };
}

function money(locale: Locale, currency: string, minor: number): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 100);
}

/** Change against last month's same span, as a whole percent; null when last month had nothing. */
export function changePercent(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return Math.round(((current - previous) / previous) * 100);
}

/** The digest as a notification title and a plain-text body (also the e-mail). */
export function renderDigest(locale: Locale, f: DigestFigures[]): { title: string; body: string } {
  const zh = locale === 'zh-CN';
  const main = f[0];
  const day = main?.day ?? '';
  if (!main || f.every((x) => x.dayCount === 0)) {
    const mtd = f.map((x) => money(locale, x.currency, x.monthToDate)).join(' + ') || money(locale, 'CNY', 0);
    return zh
      ? { title: `${day} 无回款`, body: `${day} 没有收到回款。本月累计回款 ${mtd}。` }
      : {
          title: `No payments received on ${day}`,
          body: `No payments were received on ${day}. Month to date: ${mtd}.`,
        };
  }
  const totals = f.filter((x) => x.dayCount > 0).map((x) => money(locale, x.currency, x.dayTotal));
  const count = f.reduce((s, x) => s + x.dayCount, 0);
  const lines: string[] = [];
  for (const x of f) {
    const change = changePercent(x.monthToDate, x.previousMonthToDate);
    const vs =
      change === null
        ? ''
        : zh
          ? `（环比同期 ${change >= 0 ? '+' : ''}${change}%）`
          : ` (${change >= 0 ? '+' : ''}${change}% vs last month)`;
    lines.push(
      zh
        ? `本月累计：${money(locale, x.currency, x.monthToDate)}${vs}`
        : `Month to date: ${money(locale, x.currency, x.monthToDate)}${vs}`,
    );
    for (const t of x.top) lines.push(`· ${t.account}  ${money(locale, x.currency, t.amount)}  ${t.number}`);
  }
  return zh
    ? { title: `${day} 回款 ${totals.join(' + ')}（${count} 笔）`, body: lines.join('\n') }
    : { title: `Payments received ${day}: ${totals.join(' + ')} (${count})`, body: lines.join('\n') };
}
