import { addDays, todayIn } from '../platform/jobs/dates.rules.ts';

export const DAY = 86_400_000;

/** Offset of a time zone from UTC at a moment, in ms ("GMT+08:00" → 8 h). */
function offsetMs(timeZone: string, at: Date): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
      .formatToParts(at)
      .find((x) => x.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

/**
 * "Today" for the demo in the tenant's zone: local dates relative to today, moments at a local
 * hour of such a day, and the local date of a moment — so the data is always about the last
 * months, whenever it is loaded.
 */
export class DemoClock {
  readonly now = Date.now();
  readonly today: string;
  constructor(readonly timeZone: string) {
    this.today = todayIn(timeZone, new Date(this.now));
  }
  /** The local date `days` from today (negative: past). */
  day(days: number): string {
    return addDays(this.today, days);
  }
  /** The moment of a local date and time (minutes may exceed 60). */
  at(date: string, hour: number, minute = 0): number {
    const utc = Date.parse(`${date}T00:00:00Z`) + (hour * 60 + minute) * 60_000;
    return utc - offsetMs(this.timeZone, new Date(utc));
  }
  /** The local date of a moment. */
  dateOf(ms: number): string {
    return todayIn(this.timeZone, new Date(ms));
  }
  /** A working moment `daysAgo` days back (09:00–18:00 local), never later than a few minutes ago. */
  workAt(daysAgo: number, rng: () => number): number {
    const t = this.at(this.day(-daysAgo), 9, Math.floor(rng() * 540));
    return Math.min(t, this.now - 5 * 60_000 - Math.floor(rng() * 3_600_000));
  }
  /** First day of the month containing a date. */
  monthStart(date: string): string {
    return `${date.slice(0, 7)}-01`;
  }
}

export const iso = (ms: number): string => new Date(ms).toISOString();
