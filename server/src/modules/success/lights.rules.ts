import { z } from 'zod';
import { addDaysIso } from './health.rules.ts';

/**
 * Traffic lights (按灯, DOMAIN.md §6.4, docs/ENGAGEMENT.md): who a light is routed to, when an
 * unresolved light escalates and to whom. Pure: the service loads the people and dates.
 */

export const LIGHT_COLORS = ['red', 'yellow'] as const;
export type LightColor = (typeof LIGHT_COLORS)[number];
export const LIGHT_REASONS = [
  'bug_instability',
  'product_gap',
  'delivery_delayed',
  'key_person_left',
  'price_budget',
  'competitor',
  'other',
] as const;
export type LightReason = (typeof LIGHT_REASONS)[number];
export const LIGHT_SOURCES = ['manual', 'survey', 'complaint'] as const;
export type LightSource = (typeof LIGHT_SOURCES)[number];
export const LIGHT_STATUSES = ['open', 'meeting_scheduled', 'action_plan', 'resolved', 'closed'] as const;
export type LightStatus = (typeof LIGHT_STATUSES)[number];
/** Not yet resolved: the states the escalation job watches. */
export const UNRESOLVED: readonly LightStatus[] = ['open', 'meeting_scheduled', 'action_plan'];
export const PRIORITIES = ['normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const ROOT_CAUSES = [
  'defect',
  'product_limitation',
  'implementation',
  'training_adoption',
  'service_response',
  'communication',
  'commercial',
  'customer_change',
  'competitor',
  'other',
] as const;
export type RootCause = (typeof ROOT_CAUSES)[number];
export const COMPLAINT_CHANNELS = ['phone', 'email', 'wechat', 'meeting', 'other'] as const;
export const COMPLAINT_SEVERITIES = ['low', 'mid', 'high'] as const;
/** The highest escalation level (each level also raises the priority, capped at urgent). */
export const MAX_ESCALATION = 3;

/** Where a reason is routed: the first active holder of a role, or the account owner's manager. */
const targetSchema = z.union([
  z.strictObject({ role: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/) }),
  z.strictObject({ accountOwnerManager: z.literal(true) }),
]);
export type RouteTarget = z.infer<typeof targetSchema>;

export const lightRoutingSchema = z.strictObject(
  Object.fromEntries(LIGHT_REASONS.map((r) => [r, targetSchema])) as Record<LightReason, typeof targetSchema>,
);
export type LightRouting = z.infer<typeof lightRoutingSchema>;

/** Escalation limits in days by account grade (`other` for D and ungraded) and the renewal window. */
export const lightEscalationSchema = z.strictObject({
  days: z.strictObject({
    A: z.number().int().min(1).max(365),
    B: z.number().int().min(1).max(365),
    C: z.number().int().min(1).max(365),
    other: z.number().int().min(1).max(365),
  }),
  renewalWindowDays: z.number().int().min(0).max(365),
});
export type LightEscalation = z.infer<typeof lightEscalationSchema>;

/** Seed defaults: R&D, product and delivery heads for their reasons, the CS director for the rest. */
export const DEFAULT_LIGHT_ROUTING: LightRouting = {
  bug_instability: { role: 'rd_head' },
  product_gap: { role: 'product_head' },
  delivery_delayed: { role: 'delivery_head' },
  key_person_left: { accountOwnerManager: true },
  price_budget: { role: 'cs_director' },
  competitor: { role: 'cs_director' },
  other: { role: 'cs_director' },
};

export const DEFAULT_LIGHT_ESCALATION: LightEscalation = {
  days: { A: 2, B: 5, C: 10, other: 10 },
  renewalWindowDays: 60,
};

/** The tenant's routing with defaults for reasons it does not name (a bad stored value: defaults). */
export function routingOf(stored: unknown): LightRouting {
  const merged = { ...DEFAULT_LIGHT_ROUTING, ...(isObject(stored) ? stored : {}) };
  const p = lightRoutingSchema.safeParse(merged);
  return p.success ? p.data : DEFAULT_LIGHT_ROUTING;
}

export function escalationOf(stored: unknown): LightEscalation {
  const s = isObject(stored) ? stored : {};
  const days = isObject(s.days) ? s.days : {};
  const p = lightEscalationSchema.safeParse({
    ...DEFAULT_LIGHT_ESCALATION,
    ...s,
    days: { ...DEFAULT_LIGHT_ESCALATION.days, ...days },
  });
  return p.success ? p.data : DEFAULT_LIGHT_ESCALATION;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The people a routing decision can pick from (null where there is nobody). */
export interface RoutingPeople {
  /** first active user per role key */
  byRole: Record<string, string | null | undefined>;
  /** the account owner's department manager */
  ownerManager: string | null;
  csm: string | null;
  admin: string | null;
}

export type RoutedVia = 'role' | 'owner_manager' | 'cs_director' | 'csm' | 'admin' | 'nobody';

/**
 * Who a light of `reason` goes to: the routing target; when that role has no active holder (or the
 * owner has no manager) the CS director, then the customer's CSM, then an administrator.
 */
export function routeLight(
  routing: LightRouting,
  reason: LightReason,
  people: RoutingPeople,
): { userId: string | null; via: RoutedVia } {
  const target = routing[reason];
  const first =
    'role' in target
      ? { userId: people.byRole[target.role] ?? null, via: 'role' as const }
      : { userId: people.ownerManager, via: 'owner_manager' as const };
  const chain: { userId: string | null; via: RoutedVia }[] = [
    first,
    { userId: people.byRole.cs_director ?? null, via: 'cs_director' },
    { userId: people.csm, via: 'csm' },
    { userId: people.admin, via: 'admin' },
  ];
  return chain.find((c) => c.userId !== null) ?? { userId: null, via: 'nobody' };
}

/** Days allowed unresolved before escalating, by account grade. */
export function limitDays(esc: LightEscalation, grade: string | null): number {
  if (grade === 'A' || grade === 'B' || grade === 'C') return esc.days[grade];
  return esc.days.other;
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export interface EscalationInput {
  status: LightStatus;
  level: number;
  grade: string | null;
  /** tenant-calendar day the light was raised or last reopened */
  openedOn: string;
  /** tenant-calendar day of the last escalation, if any */
  escalatedOn: string | null;
  /** the customer's nearest due renewal not yet renewed (upcoming or overdue), if any */
  renewalDue: string | null;
  asOf: string;
}

export type EscalationCause = 'age' | 'renewal';

/**
 * Whether an unresolved light escalates on `asOf`, and why. By age: once `limit` days have passed
 * since it was opened (or, after an escalation, since that escalation) — so a light left alone
 * climbs one level per limit period. By renewal: a light still at level 0 whose customer has a due
 * renewal within the window (or already overdue) escalates at once. At most once a day and never
 * above MAX_ESCALATION.
 */
export function escalationDue(esc: LightEscalation, x: EscalationInput): EscalationCause | null {
  if (!UNRESOLVED.includes(x.status)) return null;
  if (x.level >= MAX_ESCALATION) return null;
  if (x.escalatedOn !== null && x.escalatedOn >= x.asOf) return null;
  if (x.openedOn > x.asOf) return null;
  const since = x.escalatedOn !== null && x.escalatedOn > x.openedOn ? x.escalatedOn : x.openedOn;
  if (daysBetween(since, x.asOf) >= limitDays(esc, x.grade)) return 'age';
  if (x.level === 0 && x.renewalDue !== null && x.renewalDue <= addDaysIso(x.asOf, esc.renewalWindowDays))
    return 'renewal';
  return null;
}

/** One step up: normal → high → urgent (urgent stays). */
export function nextPriority(p: Priority): Priority {
  return p === 'normal' ? 'high' : 'urgent';
}

/**
 * Who takes over an escalated light: the current responsible's department manager, else the CS
 * director, else an administrator — the first that is someone other than the current person.
 * Nobody else: the current person keeps it (the priority still rises).
 */
export function escalateTo(
  current: string | null,
  up: { manager: string | null; csDirector: string | null; admin: string | null },
): string | null {
  for (const c of [up.manager, up.csDirector, up.admin]) if (c !== null && c !== current) return c;
  return current;
}

/** Which state each action leaves from and goes to (reopen goes back to open). */
export const LIGHT_ACTIONS = ['schedule-meeting', 'action-plan', 'resolve', 'close', 'reopen'] as const;
export type LightAction = (typeof LIGHT_ACTIONS)[number];
export const LIGHT_TRANSITIONS: Record<LightAction, { from: readonly LightStatus[]; to: LightStatus }> = {
  'schedule-meeting': { from: ['open', 'meeting_scheduled'], to: 'meeting_scheduled' },
  'action-plan': { from: ['open', 'meeting_scheduled', 'action_plan'], to: 'action_plan' },
  resolve: { from: ['open', 'meeting_scheduled', 'action_plan'], to: 'resolved' },
  close: { from: ['resolved'], to: 'closed' },
  reopen: { from: ['resolved', 'closed'], to: 'open' },
};

/** Value band of a customer by ARR (minor units), with the health model's tiers. */
export function arrBand(
  arr: number,
  tiers: { large: number; mid: number },
): 'large' | 'mid' | 'small' | 'none' {
  if (arr <= 0) return 'none';
  if (arr >= tiers.large) return 'large';
  if (arr >= tiers.mid) return 'mid';
  return 'small';
}

/** Mean of hours, one decimal; null with none. */
export function meanHours(hours: number[]): number | null {
  if (!hours.length) return null;
  return Math.round((hours.reduce((s, h) => s + h, 0) / hours.length) * 10) / 10;
}

type L2 = { 'zh-CN': string; 'en-US': string };
/** Display names (select options of the objects, light subjects, notifications, the report). */
export const REASON_LABELS: Record<LightReason, L2> = {
  bug_instability: { 'zh-CN': '缺陷/不稳定', 'en-US': 'Bug or instability' },
  product_gap: { 'zh-CN': '产品不及预期', 'en-US': 'Product short of expectations' },
  delivery_delayed: { 'zh-CN': '交付延期', 'en-US': 'Delivery delayed' },
  key_person_left: { 'zh-CN': '关键人离职/关键用户变更', 'en-US': 'Key person left or key user changed' },
  price_budget: { 'zh-CN': '价格/预算', 'en-US': 'Price or budget' },
  competitor: { 'zh-CN': '竞争对手', 'en-US': 'Competitor' },
  other: { 'zh-CN': '其他', 'en-US': 'Other' },
};
export const ROOT_CAUSE_LABELS: Record<RootCause, L2> = {
  defect: { 'zh-CN': '产品缺陷', 'en-US': 'Product defect' },
  product_limitation: { 'zh-CN': '产品功能局限', 'en-US': 'Product limitation' },
  implementation: { 'zh-CN': '实施/交付问题', 'en-US': 'Implementation or delivery' },
  training_adoption: { 'zh-CN': '培训/使用不足', 'en-US': 'Training or adoption' },
  service_response: { 'zh-CN': '服务响应', 'en-US': 'Service response' },
  communication: { 'zh-CN': '沟通/预期管理', 'en-US': 'Communication or expectations' },
  commercial: { 'zh-CN': '商务/价格', 'en-US': 'Commercial or price' },
  customer_change: { 'zh-CN': '客户组织变化', 'en-US': 'Change at the customer' },
  competitor: { 'zh-CN': '竞争对手', 'en-US': 'Competitor' },
  other: { 'zh-CN': '其他', 'en-US': 'Other' },
};
export const STATUS_LABELS: Record<LightStatus, L2> = {
  open: { 'zh-CN': '待处理', 'en-US': 'Open' },
  meeting_scheduled: { 'zh-CN': '已约会议', 'en-US': 'Meeting scheduled' },
  action_plan: { 'zh-CN': '行动计划', 'en-US': 'Action plan' },
  resolved: { 'zh-CN': '已解决', 'en-US': 'Resolved' },
  closed: { 'zh-CN': '已关闭', 'en-US': 'Closed' },
};

/** A light's title, stored once in the tenant's language: "客户名 · 交付延期". */
export function lightSubject(accountName: string, reason: LightReason, locale: 'zh-CN' | 'en-US'): string {
  return `${accountName} · ${REASON_LABELS[reason][locale]}`.slice(0, 300);
}
