import type { Locale } from '../../platform/i18n/i18n.ts';
import { ALERT_TYPES, LEVELS } from './objects.ts';
import type { Level } from './alerts.rules.ts';

/**
 * Words for alerts and work orders (pure): a work order's subject and detail line, and the Monday
 * digest a CSM receives. zh-CN is the default; en-US for people who chose it.
 */

const STATUS: Record<string, Record<Locale, string>> = {
  healthy: { 'zh-CN': '健康', 'en-US': 'healthy' },
  sub_healthy: { 'zh-CN': '亚健康', 'en-US': 'sub-healthy' },
  unhealthy: { 'zh-CN': '不健康', 'en-US': 'unhealthy' },
  no_data: { 'zh-CN': '无数据', 'en-US': 'no data' },
};

export function alertLabel(type: string, locale: Locale): string {
  return ALERT_TYPES.find((o) => o.value === type)?.label[locale] ?? type;
}

export function levelLabel(level: string, locale: Locale): string {
  return LEVELS.find((o) => o.value === level)?.label[locale] ?? level;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const signed = (v: number, digits: number): string =>
  `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(digits)}`;
const pct = (v: number | null): string => (v === null ? '—' : `${(v * 100).toFixed(1).replace(/\.0$/, '')}%`);
const fixed1 = (v: number | null): string => (v === null ? '—' : v.toFixed(1));

/** One line saying what changed, from an alert's type and detail (as stored in health_alert). */
export function describeAlert(type: string, detailIn: unknown, locale: Locale): string {
  const zh = locale === 'zh-CN';
  const d = obj(detailIn);
  const from = num(d.from);
  const to = num(d.to);
  const change = num(d.change) ?? 0;
  switch (type) {
    case 'health_down':
    case 'health_up': {
      const st = `${STATUS[str(d.from_status)]?.[locale] ?? str(d.from_status)} → ${STATUS[str(d.to_status)]?.[locale] ?? str(d.to_status)}`;
      return zh
        ? `健康分 ${fixed1(from)} → ${fixed1(to)}（${signed(change, 1)}），${st}`
        : `Health score ${fixed1(from)} → ${fixed1(to)} (${signed(change, 1)}), ${st}`;
    }
    case 'activity_down':
    case 'activity_up':
      return zh
        ? `登录率 ${pct(from)} → ${pct(to)}（相对变化 ${signed(change * 100, 1)}%）`
        : `Login rate ${pct(from)} → ${pct(to)} (${signed(change * 100, 1)}% relative)`;
    case 'probability_down':
    case 'probability_up':
      return zh
        ? `续费概率 ${pct(from)} → ${pct(to)}（${signed(change * 100, 1)} 个百分点）`
        : `Renewal probability ${pct(from)} → ${pct(to)} (${signed(change * 100, 1)} points)`;
    case 'quota_tight': {
      const qs = (Array.isArray(d.quotas) ? d.quotas : []).map((q) => {
        const x = obj(q);
        const used = `${str(x.key)} ${num(x.used) ?? 0}/${num(x.limit) ?? 0}`;
        return zh ? `${used}（${pct(num(x.ratio))}）` : `${used} (${pct(num(x.ratio))})`;
      });
      return zh ? `资源即将用尽：${qs.join('、')}` : `Quota nearly used: ${qs.join(', ')}`;
    }
    case 'key_person_changed': {
      const parts: string[] = [];
      const admin = obj(d.admin_user);
      if (Object.keys(admin).length)
        parts.push(
          zh ? `管理员 ${str(admin.from)} → ${str(admin.to)}` : `admin ${str(admin.from)} → ${str(admin.to)}`,
        );
      const heads = obj(d.department_heads);
      const added = strs(heads.added);
      const removed = strs(heads.removed);
      if (added.length || removed.length) {
        const bits: string[] = [];
        if (added.length) bits.push(zh ? `新增 ${added.join('、')}` : `added ${added.join(', ')}`);
        if (removed.length) bits.push(zh ? `移除 ${removed.join('、')}` : `removed ${removed.join(', ')}`);
        parts.push(zh ? `部门负责人${bits.join('，')}` : `department heads ${bits.join(', ')}`);
      }
      return zh ? `关键人变更：${parts.join('；')}` : `Key people changed: ${parts.join('; ')}`;
    }
    case 'expiry_3m':
    case 'expiry_1m':
    case 'expired': {
      const days = num(d.days_left) ?? 0;
      const due = str(d.due_date);
      if (days > 0)
        return zh ? `应续日期 ${due}，还有 ${days} 天，尚未续费` : `Due ${due}, in ${days} days, not renewed`;
      return zh ? `应续日期 ${due} 已过 ${-days} 天，尚未续费` : `Due ${due}, ${-days} days ago, not renewed`;
    }
    default:
      return JSON.stringify(d);
  }
}

/** A work order's subject: the customer and what happened. */
export function workOrderSubject(accountName: string, type: string, locale: Locale): string {
  return locale === 'zh-CN'
    ? `${accountName}：${alertLabel(type, locale)}`
    : `${accountName}: ${alertLabel(type, locale)}`;
}

export interface DigestAlert {
  account_name: string;
  type: string;
  level: Level;
  nature: string;
  detail: unknown;
}

export interface DigestWorkOrder {
  subject: string;
  level: Level;
  status: string;
  due_date: string;
  times_raised: number;
}

/**
 * The Monday digest of one CSM: the week's new alerts on the customers they serve, their open work
 * orders and, first, the overdue ones. Lists are cut at 30 lines each (the app has them all).
 */
export function renderSuccessDigest(
  locale: Locale,
  f: { week_start: string; as_of: string; alerts: DigestAlert[]; open: DigestWorkOrder[] },
): { title: string; body: string } {
  const zh = locale === 'zh-CN';
  const overdue = f.open.filter((w) => w.due_date < f.as_of);
  const title = zh
    ? `客户成功周报（${f.week_start} 周）：新预警 ${f.alerts.length} 条，待办工单 ${f.open.length} 个，逾期 ${overdue.length} 个`
    : `Customer success weekly (week of ${f.week_start}): ${f.alerts.length} new alerts, ${f.open.length} open work orders, ${overdue.length} overdue`;
  const lines: string[] = [];
  const cut = <T>(xs: T[], render: (x: T) => string): void => {
    for (const x of xs.slice(0, 30)) lines.push(render(x));
    if (xs.length > 30) lines.push(zh ? `… 另有 ${xs.length - 30} 条` : `… and ${xs.length - 30} more`);
  };
  const wo = (w: DigestWorkOrder): string =>
    zh
      ? `· [${levelLabel(w.level, locale)}] ${w.subject}  截止 ${w.due_date}${w.times_raised > 1 ? `  已预警 ${w.times_raised} 次` : ''}`
      : `· [${levelLabel(w.level, locale)}] ${w.subject}  due ${w.due_date}${w.times_raised > 1 ? `  raised ${w.times_raised} times` : ''}`;
  if (overdue.length) {
    lines.push(zh ? `【逾期工单 ${overdue.length}】` : `Overdue work orders (${overdue.length})`);
    cut(overdue, wo);
    lines.push('');
  }
  lines.push(zh ? `【本周新预警 ${f.alerts.length}】` : `New alerts this week (${f.alerts.length})`);
  if (!f.alerts.length) lines.push(zh ? '· 无' : '· none');
  cut(f.alerts, (a) => {
    const nature = zh ? (a.nature === 'malignant' ? '恶性' : '良性') : a.nature;
    const sep = zh ? '：' : ': ';
    return `· [${levelLabel(a.level, locale)}/${nature}] ${a.account_name}  ${alertLabel(a.type, locale)}${sep}${describeAlert(a.type, a.detail, locale)}`;
  });
  lines.push('');
  lines.push(zh ? `【待办工单 ${f.open.length}】` : `Open work orders (${f.open.length})`);
  if (!f.open.length) lines.push(zh ? '· 无' : '· none');
  cut(f.open, wo);
  return { title, body: lines.join('\n') };
}
