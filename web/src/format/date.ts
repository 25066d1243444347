import type { Locale } from '../api/types';

function parts(date: Date, timeZone: string): Record<string, string> {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return Object.fromEntries(fmt.formatToParts(date).map((p) => [p.type, p.value]));
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function formatYmd(y: string, m: string, d: string, locale: Locale): string {
  if (locale === 'zh-CN') return `${y}-${m}-${d}`;
  return `${EN_MONTHS[Number(m) - 1] ?? m} ${Number(d)}, ${y}`;
}

/** A UTC timestamp shown as wall-clock time in the tenant's zone, not the browser's. */
export function formatDateTime(iso: string, timeZone: string, locale: Locale): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const p = parts(date, timeZone);
  return `${formatYmd(p.year ?? '', p.month ?? '', p.day ?? '', locale)} ${p.hour}:${p.minute}`;
}

/** Calendar dates have no zone: '2026-11-27' is the same day everywhere. */
export function formatDate(ymd: string, locale: Locale): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(ymd);
  return m ? formatYmd(m[1] ?? '', m[2] ?? '', m[3] ?? '', locale) : ymd;
}

/** Midnight of a tenant-zone calendar day as a UTC ISO string, for datetime filters. */
export function zonedDayStartIso(ymd: string, timeZone: string): string {
  const guess = new Date(`${ymd}T00:00:00Z`);
  const p = parts(guess, timeZone);
  const asIfUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
  );
  const offsetMs = asIfUtc - guess.getTime();
  return new Date(guess.getTime() - offsetMs).toISOString();
}
