import { sql, type RawBuilder } from 'kysely';
import { z } from 'zod';
import type { Platform } from '../../platform/platform.ts';
import { can, type Actor } from '../../platform/access/permissions.ts';
import { scopePredicate } from '../../platform/access/scope.sql.ts';
import { TenantDb } from '../../platform/db/tenant-db.ts';
import { isUuid, newId } from '../../platform/db/ids.ts';
import { AppError, forbidden, invalid, notFound, type FieldIssue } from '../../platform/http/errors.ts';
import { parseBody, zodIssues } from '../../platform/http/zod-issues.ts';
import { writeAudit } from '../../platform/audit/audit.ts';
import { emitEvents } from '../../platform/events/outbox.ts';
import { addNotifications } from '../../platform/notify/notify.service.ts';
import { isLocale, type Locale } from '../../platform/i18n/i18n.ts';
import { randomToken, safeEqual, sha256 } from '../../platform/identity/tokens.ts';
import { isValidDate } from '../../platform/metadata/values.rules.ts';
import { todayIn } from '../../platform/jobs/dates.rules.ts';
import { accountReadPredicate } from '../accounts/scopes.ts';
import { systemActor } from '../leads/index.ts';
import { lightClosedListeners, raiseLight, type ClosedLight } from './lights.service.ts';
import { addMonthsIso } from './alerts.rules.ts';
import {
  categorise,
  checkAnswer,
  checkQuestions,
  composeSurveyToken,
  csat,
  distribution,
  expiresAt,
  isKeyUser,
  isNegative,
  KEY_USER_ROLES,
  linkState,
  mayEditSurveys,
  nps,
  optionCounts,
  parseSurveyToken,
  scaleOf,
  settleQuestionKeys,
  type OptionCount,
  type Category,
  type ExtraQuestion,
  type SurveyKind,
} from './surveys.rules.ts';

/**
 * NPS and CSAT surveys (DOMAIN.md §6.5, docs/ENGAGEMENT.md "Surveys (NPS and CSAT)"): sending
 * tokenised links by e-mail, the public answer page's two endpoints, a red light for an unhappy
 * key user (one per customer and survey round), the call-back after that light closes, results.
 */

/** Answers 410 Gone: the link existed but may no longer be answered (expired, survey closed). */
class GoneError extends AppError {
  override readonly status: number = 410;
}

interface SurveyRow {
  id: string;
  name: string;
  kind: SurveyKind;
  intro: string | null;
  questions: ExtraQuestion[];
  retired_questions: ExtraQuestion[];
  status: 'draft' | 'active' | 'closed';
  expires_days: number;
  version: number;
}

export interface QuestionsView {
  id: string;
  version: number;
  questions: ExtraQuestion[];
  /** keys of removed questions: never given to another question */
  retired_keys: string[];
}

/** An answer to a text question, with who gave it. */
export interface TextAnswer {
  response_id: string;
  submitted_at: Date;
  account_id: string;
  account_name: string;
  contact_id: string;
  contact_name: string | null;
  score: number;
  category: Category;
  key_user: boolean;
  text: string;
}

/** The answers to one extra question in the results' window. */
export interface QuestionResult {
  key: string;
  label: string;
  type: 'text' | 'choice';
  /** no longer asked: answers given before it was removed */
  removed: boolean;
  /** responses in the window that answered it */
  answered: number;
  /** choice: per option (its options in order, then values no longer an option); text: [] */
  options: OptionCount[];
  /** text: the latest TEXT_ANSWERS_IN_RESULTS answers, newest first (page on with answers()); choice: [] */
  answers: TextAnswer[];
}

export interface AnswersPage {
  key: string;
  total: number;
  offset: number;
  limit: number;
  answers: TextAnswer[];
}

export interface SendResult {
  survey_id: string;
  round: string;
  invited: {
    invitation_id: string;
    contact_id: string;
    contact_name: string;
    account_id: string;
    email: string;
    expires_at: Date;
    mail: 'sent' | 'stored' | 'failed';
  }[];
  skipped: {
    contact_id: string;
    contact_name: string;
    account_id: string;
    reason: 'no_email' | 'already_invited';
  }[];
  accounts_without_key_users: string[];
}

export interface PublicSurvey {
  locale: Locale;
  company: string;
  survey: {
    name: string;
    kind: SurveyKind;
    intro: string | null;
    question: string;
    scale: { min: number; max: number; min_label: string; max_label: string };
    comment_label: string;
    comment_max: number;
    questions: ExtraQuestion[];
  };
  expires_at: Date;
}

export interface ResponseView {
  id: string;
  survey_id: string;
  round: string;
  account_id: string;
  account_name: string;
  contact_id: string;
  contact_name: string | null;
  kind: SurveyKind;
  score: number;
  category: Category;
  comment: string | null;
  answers: Record<string, string>;
  key_user: boolean;
  light_id: string | null;
  submitted_at: Date;
  callback_task_id: string | null;
  callback_outcome: string | null;
  callback_at: Date | null;
  callback_by: string | null;
  version: number;
}

export interface Stats {
  responses: number;
  value: number | null;
  categories: Partial<Record<Category, number>>;
}
export interface ResultsView {
  survey: { id: string; name: string; kind: SurveyKind };
  from: string;
  to: string;
  group_by: GroupBy | null;
  overall: Stats & { distribution: { score: number; count: number }[] };
  periods: (Stats & { month: string })[];
  groups: (Stats & { key: string | null; label: string | null; periods: (Stats & { month: string })[] })[];
  comments: {
    id: string;
    submitted_at: Date;
    account_id: string;
    account_name: string;
    contact_name: string | null;
    score: number;
    category: Category;
    key_user: boolean;
    comment: string;
  }[];
  questions: QuestionResult[];
}

/** Text answers per question that the results carry; the rest are paged by answers(). */
export const TEXT_ANSWERS_IN_RESULTS = 10;
export const ANSWERS_PAGE_MAX = 100;

export const GROUP_BYS = ['csm', 'partner', 'grade', 'industry'] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

const uuidList = (max: number) =>
  z
    .array(z.string().refine(isUuid, { message: 'invalid_value' }))
    .max(max, { message: 'too_many' })
    .optional();
const SendBody = z.object({
  round: z.string(),
  contact_ids: uuidList(500),
  account_ids: uuidList(200),
  locale: z.enum(['zh-CN', 'en-US'], { message: 'invalid_value' }).optional(),
});
const CallbackBody = z.object({
  outcome: z.string(),
  version: z.number().int().min(1).optional(),
});

/** Texts of the public page and the invitation mail, in the invitation's language. */
const TEXT: Record<
  Locale,
  {
    nps: (company: string) => string;
    csat: (company: string) => string;
    npsLow: string;
    npsHigh: string;
    csatLow: string;
    csatHigh: string;
    comment: string;
    subject: (company: string) => string;
    body: (name: string, company: string, link: string, expires: string) => string;
    callback: (contact: string, account: string, score: number) => string;
  }
> = {
  'zh-CN': {
    nps: (c) => `您有多大可能向朋友或同事推荐${c}？`,
    csat: (c) => `您对${c}的服务满意吗？`,
    npsLow: '完全不可能',
    npsHigh: '非常可能',
    csatLow: '非常不满意',
    csatHigh: '非常满意',
    comment: '请告诉我们您打分的主要原因',
    subject: (c) => `${c}邀请您参与满意度调查`,
    body: (n, c, l, e) =>
      `${n}，您好：\n\n感谢您使用${c}的产品与服务。请花一分钟告诉我们您的评价：\n${l}\n\n链接仅可使用一次，有效期至 ${e}。\n\n${c}`,
    callback: (n, a, s) => `回访：${a} ${n}（问卷评分 ${s}）`,
  },
  'en-US': {
    nps: (c) => `How likely are you to recommend ${c} to a friend or colleague?`,
    csat: (c) => `How satisfied are you with ${c}?`,
    npsLow: 'Not at all likely',
    npsHigh: 'Extremely likely',
    csatLow: 'Very dissatisfied',
    csatHigh: 'Very satisfied',
    comment: 'What is the main reason for your score?',
    subject: (c) => `${c} would like your feedback`,
    body: (n, c, l, e) =>
      `Dear ${n},\n\nThank you for working with ${c}. Please take a minute to tell us how we are doing:\n${l}\n\nThe link works once and until ${e}.\n\n${c}`,
    callback: (n, a, s) => `Call back: ${n} of ${a} (survey score ${s})`,
  },
};

const RESPONSE_SELECT = sql`select r.id, r.survey_id, r.round, r.account_id, t.name as account_name, r.contact_id,
    c.name as contact_name, r.kind, r.score, r.category, r.comment, r.answers, r.key_user, r.light_id, r.submitted_at,
    r.callback_task_id, r.callback_outcome, r.callback_at, r.callback_by, r.version
  from survey_response r
  join account t on t.tenant_id = r.tenant_id and t.id = r.account_id
  left join contact c on c.tenant_id = r.tenant_id and c.id = r.contact_id`;

/** Responses the actor may see, over aliases `r` (survey_response) and `t` (its account). */
function responseVisible(actor: Actor): RawBuilder<boolean> {
  if (!can(actor, 'survey_response', 'read')) return sql<boolean>`false`;
  // the role scope reads alias t.owner_id: evaluate it over the response's owner, not the account's
  const own = sql<boolean>`(select ${scopePredicate(actor, 'survey_response')} from (select r.owner_id) t)`;
  return sql<boolean>`(${own} or ${accountReadPredicate(actor)})`;
}

export class SurveysService {
  constructor(private readonly p: Platform) {}

  private tdb(tenantId: string): TenantDb {
    return TenantDb.for(this.p.db, tenantId);
  }

  /** A survey definition every reader of surveys may see (404 otherwise). */
  private async survey(actor: Actor, id: string, tx?: TenantDb, lock = false): Promise<SurveyRow> {
    if (!isUuid(id) || !can(actor, 'survey', 'read')) throw notFound();
    const db = tx ?? this.tdb(actor.tenantId);
    const s =
      await db.one(sql<SurveyRow>`select id, name, kind, intro, questions, retired_questions, status, expires_days,
        version
      from survey where tenant_id = ${db.tenantId} and id = ${id} and deleted_at is null ${lock ? sql`for update` : sql``}`);
    if (!s) throw notFound();
    return s;
  }

  async questions(actor: Actor, id: string): Promise<QuestionsView> {
    const s = await this.survey(actor, id);
    return {
      id: s.id,
      version: s.version,
      questions: s.questions,
      retired_keys: s.retired_questions.map((q) => q.key),
    };
  }

  /**
   * Replaces a survey's extra questions (422 naming `questions[i].field`): administrators only
   * (403 survey_admin_only), audited like a record update. A question sent without a key is new
   * and gets one; a key of a removed question is refused (settleQuestionKeys): keys are never
   * reused, so stored answers always belong to the question that was asked.
   */
  async setQuestions(actor: Actor, id: string, body: unknown): Promise<QuestionsView> {
    await this.survey(actor, id);
    if (!mayEditSurveys(actor)) throw new AppError('forbidden', 'survey_admin_only');
    const b = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const checked = checkQuestions(b.questions);
    const issues = [...checked.issues];
    if (b.version !== undefined && (typeof b.version !== 'number' || !Number.isInteger(b.version)))
      issues.push({ field: 'version', issue: 'invalid_value' });
    if (issues.length) throw invalid(issues);
    return this.tdb(actor.tenantId).transaction(async (tx) => {
      const s = await this.survey(actor, id, tx, true);
      if (typeof b.version === 'number' && b.version !== s.version)
        throw new AppError('conflict', 'version_conflict');
      // every key an answer was ever stored under, whatever the definition says now
      const answered = await tx.query(sql<{ key: string }>`select distinct jsonb_object_keys(answers) as key
        from survey_response where tenant_id = ${tx.tenantId} and survey_id = ${id}
          and jsonb_typeof(answers) = 'object'`);
      const settled = settleQuestionKeys(
        checked.questions,
        s.questions,
        s.retired_questions,
        answered.map((a) => a.key),
      );
      if (settled.issues.length) throw invalid(settled.issues);
      const { questions, retired } = settled;
      await tx.exec0(sql`update survey set questions = ${JSON.stringify(questions)}::jsonb,
          retired_questions = ${JSON.stringify(retired)}::jsonb, version = version + 1,
          updated_at = now(), updated_by = ${actor.userId}
        where tenant_id = ${tx.tenantId} and id = ${id}`);
      const changes: Record<string, [unknown, unknown]> = { questions: [s.questions, questions] };
      await writeAudit(tx, actor, [{ action: 'update', object: 'survey', recordId: id, changes }]);
      await emitEvents(tx, actor.userId, [
        {
          type: 'survey.updated',
          object: 'survey',
          recordId: id,
          payload: { object: 'survey', id, changes: { questions: { old: s.questions, new: questions } } },
        },
      ]);
      return { id, version: s.version + 1, questions, retired_keys: retired.map((q) => q.key) };
    });
  }

  /**
   * Invites contacts (given ones, and the key users of given customers) to an active survey for a
   * round: one invitation per survey, round and contact (a repeat is reported as already invited),
   * a contact without e-mail is reported, not invited. Contacts must belong to customers the actor
   * reads (422 naming `contact_ids[i]` / `account_ids[i]`). The links go out by e-mail after the
   * invitations are committed; only their hashes are stored.
   */
  async send(actor: Actor, id: string, body: unknown, origin: string): Promise<SendResult> {
    // every problem at once: the shape (zod) and the round's text
    const checked = SendBody.safeParse(body ?? {});
    const bad: FieldIssue[] = checked.success ? [] : zodIssues('', checked.error);
    const rawRound = (body as { round?: unknown } | null)?.round;
    const round = typeof rawRound === 'string' ? rawRound.trim() : '';
    if (typeof rawRound === 'string' && !round) bad.push({ field: 'round', issue: 'required' });
    if (round.length > 40) bad.push({ field: 'round', issue: 'too_long', params: { max: 40 } });
    if (bad.length || !checked.success) throw invalid(bad);
    const input = { ...checked.data, round };
    const contactIds = [...new Set(input.contact_ids ?? [])];
    const accountIds = [...new Set(input.account_ids ?? [])];
    if (!contactIds.length && !accountIds.length)
      throw invalid([{ field: 'contact_ids', issue: 'required' }]);
    const tdb = this.tdb(actor.tenantId);
    const survey = await this.survey(actor, id);
    // sending writes invitations of the survey: a reader of surveys who may also change them
    if (!can(actor, 'survey', 'update')) throw forbidden();
    if (survey.status !== 'active')
      throw new AppError('conflict', 'survey_not_active', [], { status: survey.status });

    interface C {
      id: string;
      name: string;
      email: string | null;
      account_id: string;
    }
    const given = contactIds.length
      ? await tdb.query(sql<C>`select c.id, c.name, c.email, c.account_id from contact c
          join account t on t.tenant_id = c.tenant_id and t.id = c.account_id and t.deleted_at is null
          where c.tenant_id = ${tdb.tenantId} and c.id = any(${contactIds}::uuid[]) and c.deleted_at is null
            and ${accountReadPredicate(actor)}`)
      : [];
    const issues: FieldIssue[] = [];
    const found = new Set(given.map((c) => c.id));
    (input.contact_ids ?? []).forEach((c, i) => {
      if (!found.has(c)) issues.push({ field: `contact_ids[${i}]`, issue: 'unknown_contact' });
    });
    const readable = accountIds.length
      ? await tdb.query(sql<{ id: string }>`select t.id from account t
          where t.tenant_id = ${tdb.tenantId} and t.id = any(${accountIds}::uuid[]) and t.deleted_at is null
            and ${accountReadPredicate(actor)}`)
      : [];
    const okAccounts = new Set(readable.map((a) => a.id));
    (input.account_ids ?? []).forEach((a, i) => {
      if (!okAccounts.has(a)) issues.push({ field: `account_ids[${i}]`, issue: 'unknown_customer' });
    });
    if (issues.length) throw invalid(issues);
    const keyUsers = accountIds.length
      ? await tdb.query(sql<C>`select c.id, c.name, c.email, c.account_id from contact c
          where c.tenant_id = ${tdb.tenantId} and c.account_id = any(${accountIds}::uuid[]) and c.deleted_at is null
            and (c.is_key_user is true or c.role = any(${[...KEY_USER_ROLES]}::text[]))
          order by c.account_id, c.name, c.id`)
      : [];
    const withKeyUsers = new Set(keyUsers.map((c) => c.account_id));
    const contacts = new Map<string, C>();
    for (const c of [...given, ...keyUsers]) contacts.set(c.id, c);

    const tenant = await tdb.one(sql<{ name: string; locale: string }>`select name, locale from tenant
      where id = ${tdb.tenantId}`);
    const company = tenant?.name ?? '';
    const locale: Locale = input.locale ?? (isLocale(tenant?.locale) ? tenant.locale : 'zh-CN');
    const result: SendResult = {
      survey_id: id,
      round: input.round,
      invited: [],
      skipped: [],
      accounts_without_key_users: accountIds.filter((a) => !withKeyUsers.has(a)),
    };
    const tokens = new Map<string, string>();
    await tdb.transaction(async (tx) => {
      // two senders of the same round must not both invite a contact (the unique key would 500)
      await tx.exec0(sql`select pg_advisory_xact_lock(hashtext('survey.send:' || ${tx.tenantId} || ${id}))`);
      const s = await this.survey(actor, id, tx, true);
      if (s.status !== 'active')
        throw new AppError('conflict', 'survey_not_active', [], { status: s.status });
      const ids = [...contacts.keys()];
      const already = new Set(
        (
          await tx.query(sql<{ contact_id: string }>`select contact_id from survey_invitation
            where tenant_id = ${tx.tenantId} and survey_id = ${id} and round = ${input.round}
              and contact_id = any(${ids}::uuid[])`)
        ).map((r) => r.contact_id),
      );
      const now = new Date();
      const expires = expiresAt(now, s.expires_days);
      const rows: Record<string, unknown>[] = [];
      for (const c of contacts.values()) {
        const email = c.email?.trim() ?? '';
        const base = { contact_id: c.id, contact_name: c.name, account_id: c.account_id };
        if (already.has(c.id)) {
          result.skipped.push({ ...base, reason: 'already_invited' });
          continue;
        }
        if (!email) {
          result.skipped.push({ ...base, reason: 'no_email' });
          continue;
        }
        const invitationId = newId();
        const secret = randomToken(32);
        tokens.set(invitationId, composeSurveyToken(tx.tenantId, invitationId, secret));
        rows.push({
          id: invitationId,
          account_id: c.account_id,
          contact_id: c.id,
          email,
          token_hash: sha256(secret),
        });
        result.invited.push({
          invitation_id: invitationId,
          ...base,
          email,
          expires_at: expires,
          mail: 'stored',
        });
      }
      if (rows.length)
        await tx.exec0(sql`insert into survey_invitation (tenant_id, id, survey_id, round, account_id, contact_id, email,
            locale, token_hash, expires_at, created_by)
          select ${tx.tenantId}, x.id, ${id}, ${input.round}, x.account_id, x.contact_id, x.email, ${locale}, x.token_hash,
            ${expires}, ${actor.userId}
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id uuid, account_id uuid, contact_id uuid,
            email text, token_hash text)`);
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'survey',
          recordId: id,
          changes: {},
          meta: {
            action: 'send',
            round: input.round,
            invited: result.invited.map((i) => i.contact_id),
            skipped: result.skipped.map((x) => ({ contact_id: x.contact_id, reason: x.reason })),
          },
        },
      ]);
      await emitEvents(tx, actor.userId, [
        {
          type: 'survey.sent',
          object: 'survey',
          recordId: id,
          payload: {
            id,
            round: input.round,
            invitation_ids: result.invited.map((i) => i.invitation_id),
            skipped: result.skipped.length,
          },
        },
      ]);
    });
    // mail after commit: a link must never point at an invitation that was rolled back
    const t = TEXT[locale];
    const until = (d: Date) => d.toISOString().slice(0, 10);
    for (const inv of result.invited) {
      const token = tokens.get(inv.invitation_id) ?? '';
      const link = `${origin}/s/${token}`;
      inv.mail = await this.p.notify.sendMail(
        actor.tenantId,
        inv.email,
        t.subject(company),
        t.body(inv.contact_name, company, link, until(inv.expires_at)),
      );
      await tdb.exec0(sql`update survey_invitation set mail_status = ${inv.mail}, sent_at = now()
        where tenant_id = ${tdb.tenantId} and id = ${inv.invitation_id}`);
    }
    return result;
  }

  /**
   * The invitation a public token names, when its secret matches: nothing at all otherwise (404
   * survey_link_not_found, the same for a malformed token, an unknown one and a wrong secret).
   */
  private async invitation(token: string, tx?: TenantDb) {
    const t = parseSurveyToken(token);
    if (!t) throw new AppError('not_found', 'survey_link_not_found');
    const db = tx ?? this.tdb(t.tenantId);
    const inv = await db.one(sql<{
      id: string;
      survey_id: string;
      round: string;
      account_id: string;
      contact_id: string;
      locale: string;
      token_hash: string;
      expires_at: Date;
      used_at: Date | null;
      status: string;
      name: string;
      kind: SurveyKind;
      intro: string | null;
      questions: ExtraQuestion[];
      company: string;
    }>`select i.id, i.survey_id, i.round, i.account_id, i.contact_id, i.locale, i.token_hash, i.expires_at, i.used_at,
        s.status, s.name, s.kind, s.intro, s.questions, tn.name as company
      from survey_invitation i
      join survey s on s.tenant_id = i.tenant_id and s.id = i.survey_id and s.deleted_at is null
      join tenant tn on tn.id = i.tenant_id
      where i.tenant_id = ${db.tenantId} and i.id = ${t.invitationId} ${tx ? sql`for update of i` : sql``}`);
    if (!inv || !safeEqual(inv.token_hash, sha256(t.secret)))
      throw new AppError('not_found', 'survey_link_not_found');
    return { ...inv, tenantId: t.tenantId };
  }

  private static refuse(state: ReturnType<typeof linkState>): void {
    if (state === 'used') throw new AppError('conflict', 'survey_link_used');
    if (state === 'expired') throw new GoneError('conflict', 'survey_link_expired');
    if (state === 'closed') throw new GoneError('conflict', 'survey_closed');
  }

  /** What the public answer page needs, and nothing else: questions and the company's name. */
  async publicSurvey(token: string, lang: string | undefined): Promise<PublicSurvey> {
    const inv = await this.invitation(token);
    SurveysService.refuse(linkState(inv, inv.status, new Date()));
    const locale: Locale = isLocale(lang) ? lang : isLocale(inv.locale) ? inv.locale : 'zh-CN';
    const t = TEXT[locale];
    const { min, max } = scaleOf(inv.kind);
    return {
      locale,
      company: inv.company,
      survey: {
        name: inv.name,
        kind: inv.kind,
        intro: inv.intro,
        question: inv.kind === 'nps' ? t.nps(inv.company) : t.csat(inv.company),
        scale: {
          min,
          max,
          min_label: inv.kind === 'nps' ? t.npsLow : t.csatLow,
          max_label: inv.kind === 'nps' ? t.npsHigh : t.csatHigh,
        },
        comment_label: t.comment,
        comment_max: 2000,
        questions: inv.questions,
      },
      expires_at: inv.expires_at,
    };
  }

  /**
   * Stores an answer once (409 survey_link_used after that, 410 when expired or the survey closed,
   * 422 naming the fields). An unhappy key user (NPS detractor, CSAT 1–2) opens a red light on the
   * customer — one per customer and survey round: a second one in the round joins the first.
   */
  async submit(token: string, body: unknown): Promise<{ ok: true }> {
    const parsed = parseSurveyToken(token);
    if (!parsed) throw new AppError('not_found', 'survey_link_not_found');
    await this.tdb(parsed.tenantId).transaction(async (tx) => {
      const inv = await this.invitation(token, tx);
      SurveysService.refuse(linkState(inv, inv.status, new Date()));
      const checked = checkAnswer(inv.kind, inv.questions, body);
      if (!checked.ok) throw invalid(checked.issues);
      const { score, comment, answers } = checked.value;
      const who = await tx.one(sql<{
        is_key_user: boolean | null;
        role: string | null;
        contact_name: string;
        owner_id: string | null;
        account_name: string;
        time_zone: string;
        currency: string;
        locale: string;
      }>`select c.is_key_user, c.role, c.name as contact_name, coalesce(a.csm_id, a.owner_id) as owner_id,
          a.name as account_name, tn.time_zone, tn.currency, tn.locale
        from contact c join account a on a.tenant_id = c.tenant_id and a.id = ${inv.account_id}
        join tenant tn on tn.id = c.tenant_id
        where c.tenant_id = ${tx.tenantId} and c.id = ${inv.contact_id}`);
      const keyUser = who ? isKeyUser(who) : false;
      const category = categorise(inv.kind, score);
      const id = newId();
      await tx.exec0(sql`insert into survey_response (tenant_id, id, owner_id, survey_id, invitation_id, round, kind,
          account_id, contact_id, score, comment, answers, category, key_user)
        values (${tx.tenantId}, ${id}, ${who?.owner_id ?? null}, ${inv.survey_id}, ${inv.id}, ${inv.round}, ${inv.kind},
          ${inv.account_id}, ${inv.contact_id}, ${score}, ${comment}, ${JSON.stringify(answers)}::jsonb, ${category},
          ${keyUser})`);
      await tx.exec0(
        sql`update survey_invitation set used_at = now() where tenant_id = ${tx.tenantId} and id = ${inv.id}`,
      );
      const record = {
        survey_id: inv.survey_id,
        round: inv.round,
        account_id: inv.account_id,
        contact_id: inv.contact_id,
        kind: inv.kind,
        score,
        category,
        comment,
        answers,
        key_user: keyUser,
        owner_id: who?.owner_id ?? null,
      };
      const system = systemActor(tx.tenantId, who?.time_zone, who?.currency);
      await writeAudit(tx, system, [
        {
          action: 'create',
          object: 'survey_response',
          recordId: id,
          changes: Object.fromEntries(Object.entries(record).map(([k, v]) => [k, [null, v]])),
          meta: { source: 'survey.public', invitation_id: inv.id },
        },
      ]);
      await emitEvents(tx, null, [
        {
          type: 'survey_response.created',
          object: 'survey_response',
          recordId: id,
          payload: { object: 'survey_response', id, record },
        },
      ]);
      if (!keyUser || !isNegative(category) || !who) return;
      // one light per customer and survey round: a concurrent answer of the round waits here
      await tx.exec0(sql`select pg_advisory_xact_lock(hashtext('survey.light:' || ${tx.tenantId} || ${inv.survey_id}
        || ${inv.round} || ${inv.account_id}))`);
      const existing = await tx.one(sql<{ light_id: string }>`select light_id from survey_response
        where tenant_id = ${tx.tenantId} and survey_id = ${inv.survey_id} and round = ${inv.round}
          and account_id = ${inv.account_id} and light_id is not null and id <> ${id} limit 1`);
      let lightId = existing?.light_id;
      if (!lightId) {
        const locale: Locale = isLocale(who.locale) ? who.locale : 'zh-CN';
        const scale = scaleOf(inv.kind).max;
        const head =
          locale === 'zh-CN'
            ? `${inv.kind.toUpperCase()} 问卷「${inv.name}」（${inv.round}）：关键用户 ${who.contact_name} 评分 ${score}/${scale}`
            : `${inv.kind.toUpperCase()} survey "${inv.name}" (${inv.round}): key user ${who.contact_name} scored ${score}/${scale}`;
        const light = await raiseLight(this.p, tx, system, {
          accountId: inv.account_id,
          color: 'red',
          reason: 'other',
          description: comment ? `${head}\n${comment}` : head,
          source: 'survey',
          surveyResponseId: id,
        });
        lightId = light.id;
      }
      await tx.exec0(sql`update survey_response set light_id = ${lightId}
        where tenant_id = ${tx.tenantId} and id = ${id}`);
    });
    return { ok: true };
  }

  /** One response as the actor may see it (its owner by role scope, or a reader of its customer). */
  async response(actor: Actor, id: string, tx?: TenantDb): Promise<ResponseView> {
    if (!isUuid(id)) throw notFound();
    const db = tx ?? this.tdb(actor.tenantId);
    const r = await db.one(sql<ResponseView>`${RESPONSE_SELECT}
      where r.tenant_id = ${db.tenantId} and r.id = ${id} and r.deleted_at is null and ${responseVisible(actor)}`);
    if (!r) throw notFound();
    return r;
  }

  /**
   * Records the call-back's outcome on a response whose red light closed (409
   * survey_callback_not_due before that); the call-back task is marked done when still open.
   * Who may: a writer of survey responses who sees it (its CSM, their director, an admin).
   */
  async recordCallback(actor: Actor, id: string, body: unknown): Promise<ResponseView> {
    const parsed = parseBody(CallbackBody, body);
    const input = { ...parsed, outcome: parsed.outcome.trim() };
    if (!input.outcome) throw invalid([{ field: 'outcome', issue: 'required' }]);
    if (input.outcome.length > 2000)
      throw invalid([{ field: 'outcome', issue: 'too_long', params: { max: 2000 } }]);
    return this.tdb(actor.tenantId).transaction(async (tx) => {
      const cur = await this.response(actor, id, tx);
      if (!can(actor, 'survey_response', 'update')) throw forbidden();
      const locked = await tx.one(sql<{ version: number; callback_task_id: string | null }>`select version,
          callback_task_id from survey_response where tenant_id = ${tx.tenantId} and id = ${id} for update`);
      if (!locked) throw notFound();
      if (input.version !== undefined && input.version !== locked.version)
        throw new AppError('conflict', 'version_conflict');
      if (!locked.callback_task_id) throw new AppError('conflict', 'survey_callback_not_due');
      await tx.exec0(sql`update survey_response set callback_outcome = ${input.outcome}, callback_at = now(),
          callback_by = ${actor.userId}, version = version + 1, updated_at = now(), updated_by = ${actor.userId}
        where tenant_id = ${tx.tenantId} and id = ${id}`);
      const done =
        await tx.exec0(sql`update task set status = 'done', completed_at = now(), version = version + 1,
          updated_at = now(), updated_by = ${actor.userId}
        where tenant_id = ${tx.tenantId} and id = ${locked.callback_task_id} and status = 'open'`);
      await writeAudit(tx, actor, [
        {
          action: 'update',
          object: 'survey_response',
          recordId: id,
          changes: { callback_outcome: [cur.callback_outcome, input.outcome] },
        },
        ...(done
          ? [
              {
                action: 'update' as const,
                object: 'task',
                recordId: locked.callback_task_id,
                changes: { status: ['open', 'done'] as [unknown, unknown] },
                meta: { source: 'survey.callback', survey_response_id: id },
              },
            ]
          : []),
      ]);
      await emitEvents(tx, actor.userId, [
        {
          type: 'survey_response.callback_recorded',
          object: 'survey_response',
          recordId: id,
          payload: {
            id,
            account_id: cur.account_id,
            light_id: cur.light_id,
            callback_task_id: locked.callback_task_id,
            outcome: input.outcome,
          },
        },
      ]);
      return this.response(actor, id, tx);
    });
  }

  /**
   * NPS (or CSAT) of a survey's responses submitted from `from` to `to` (tenant-calendar days of
   * the actor's zone; default the last twelve months to today) on the customers the actor reads:
   * overall with the score distribution, by month, by group (the customer's current CSM, serving
   * partner, grade or industry) and by group and month, and the latest 100 comments.
   */
  async results(
    actor: Actor,
    id: string,
    q: { from?: string; to?: string; group_by?: string },
  ): Promise<ResultsView> {
    const issues = periodIssues(q);
    if (q.group_by && !(GROUP_BYS as readonly string[]).includes(q.group_by))
      issues.push({ field: 'group_by', issue: 'invalid_value' });
    if (issues.length) throw invalid(issues);
    const { from, to } = periodOf(actor, q);
    const groupBy = (q.group_by || null) as GroupBy | null;
    const s = await this.survey(actor, id);
    if (!can(actor, 'account', 'read')) throw forbidden();
    const tdb = this.tdb(actor.tenantId);
    const group: Record<GroupBy, { key: RawBuilder<unknown>; label: RawBuilder<unknown> }> = {
      csm: { key: sql`t.csm_id::text`, label: sql`gu.name` },
      partner: { key: sql`t.partner_id::text`, label: sql`gp.name` },
      grade: { key: sql`t.grade`, label: sql`t.grade` },
      industry: { key: sql`t.industry`, label: sql`t.industry` },
    };
    const g = groupBy ? group[groupBy] : { key: sql`null`, label: sql`null` };
    const window = windowOf(actor, id, from, to);
    const rows = await tdb.query(sql<{
      score: number;
      month: string;
      gkey: string | null;
      glabel: string | null;
    }>`select r.score, to_char(r.submitted_at at time zone ${actor.timeZone}, 'YYYY-MM') as month,
        ${g.key} as gkey, ${g.label} as glabel
      from survey_response r
      join account t on t.tenant_id = r.tenant_id and t.id = r.account_id
      left join app_user gu on gu.tenant_id = t.tenant_id and gu.id = t.csm_id
      left join account gp on gp.tenant_id = t.tenant_id and gp.id = t.partner_id
      where ${window}`);
    const comments = await tdb.query(sql<
      ResultsView['comments'][number]
    >`select r.id, r.submitted_at, r.account_id,
        t.name as account_name, c.name as contact_name, r.score, r.category, r.key_user, r.comment
      from survey_response r
      join account t on t.tenant_id = r.tenant_id and t.id = r.account_id
      left join contact c on c.tenant_id = r.tenant_id and c.id = r.contact_id
      where ${window} and r.comment is not null
      order by r.submitted_at desc, r.id desc limit 100`);
    const stats = (scores: number[]): Stats => {
      if (s.kind === 'nps') {
        const n = nps(scores);
        return {
          responses: n.responses,
          value: n.nps,
          categories: { promoter: n.promoters, passive: n.passives, detractor: n.detractors },
        };
      }
      const c = csat(scores);
      return {
        responses: c.responses,
        value: c.csat,
        categories: { satisfied: c.satisfied, neutral: c.neutral, dissatisfied: c.dissatisfied },
      };
    };
    const byMonth = (list: typeof rows) => {
      const m = new Map<string, number[]>();
      for (const r of list) m.set(r.month, [...(m.get(r.month) ?? []), r.score]);
      return [...m.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([month, sc]) => ({ month, ...stats(sc) }));
    };
    const groups: ResultsView['groups'] = [];
    if (groupBy) {
      const m = new Map<string, { key: string | null; label: string | null; rows: typeof rows }>();
      for (const r of rows) {
        const k = r.gkey ?? '';
        const e = m.get(k) ?? { key: r.gkey, label: r.glabel, rows: [] };
        e.rows.push(r);
        m.set(k, e);
      }
      for (const e of m.values())
        groups.push({
          key: e.key,
          label: e.label,
          ...stats(e.rows.map((r) => r.score)),
          periods: byMonth(e.rows),
        });
      groups.sort((a, b) => b.responses - a.responses || (a.label ?? '').localeCompare(b.label ?? ''));
    }
    const scores = rows.map((r) => r.score);
    return {
      survey: { id: s.id, name: s.name, kind: s.kind },
      from,
      to,
      group_by: groupBy,
      overall: { ...stats(scores), distribution: distribution(s.kind, scores) },
      periods: byMonth(rows),
      groups,
      comments,
      questions: await this.questionResults(tdb, s, window),
    };
  }

  /**
   * The extra questions' answers in the window: each question now asked, in its order, then the
   * removed ones that were answered in it. Choice: counts and shares per option; text: how many
   * answered and the latest few (answers() pages on).
   */
  private async questionResults(
    tdb: TenantDb,
    s: SurveyRow,
    window: RawBuilder<unknown>,
  ): Promise<QuestionResult[]> {
    const choiceKeys = [...s.questions, ...s.retired_questions]
      .filter((q) => q.type === 'choice')
      .map((q) => q.key);
    // choice answers by value; a text question's answers only counted
    const counted = await tdb.query(sql<{ key: string; value: string | null; n: number }>`select a.key,
        case when a.key = any(${choiceKeys}::text[]) then a.value end as value, count(*)::int as n
      from survey_response r
      join account t on t.tenant_id = r.tenant_id and t.id = r.account_id
      cross join lateral jsonb_each_text(case when jsonb_typeof(r.answers) = 'object' then r.answers
        else '{}'::jsonb end) a
      where ${window}
      group by 1, 2`);
    const byKey = new Map<string, Map<string, number>>();
    const answered = new Map<string, number>();
    for (const c of counted) {
      answered.set(c.key, (answered.get(c.key) ?? 0) + c.n);
      if (c.value === null) continue;
      const m = byKey.get(c.key) ?? new Map<string, number>();
      m.set(c.value, c.n);
      byKey.set(c.key, m);
    }
    const live = new Set(s.questions.map((q) => q.key));
    const asked: (ExtraQuestion & { removed: boolean })[] = [
      ...s.questions.map((q) => ({ ...q, removed: false })),
      ...s.retired_questions
        .filter((q) => !live.has(q.key) && (answered.get(q.key) ?? 0) > 0)
        .map((q) => ({ ...q, removed: true })),
    ];
    const textKeys = asked.filter((q) => q.type === 'text').map((q) => q.key);
    const latest = textKeys.length
      ? await tdb.query(sql<TextAnswer & { key: string }>`select x.key, x.response_id, x.submitted_at,
            x.account_id, x.account_name, x.contact_id, x.contact_name, x.score, x.category, x.key_user, x.text
          from (${textAnswersSql(window, sql`a.key = any(${textKeys}::text[])`)}) x
          where x.rn <= ${TEXT_ANSWERS_IN_RESULTS} order by x.key, x.rn`)
      : [];
    const texts = new Map<string, TextAnswer[]>();
    for (const { key, ...a } of latest) texts.set(key, [...(texts.get(key) ?? []), a]);
    return asked.map((q) => {
      const base = { key: q.key, label: q.label, type: q.type, removed: q.removed };
      if (q.type === 'choice') {
        const c = optionCounts(q.options ?? [], byKey.get(q.key) ?? new Map<string, number>());
        return { ...base, answered: c.answered, options: c.options, answers: [] };
      }
      return { ...base, answered: answered.get(q.key) ?? 0, options: [], answers: texts.get(q.key) ?? [] };
    });
  }

  /**
   * One page of the answers to one extra question (a current or removed one; 422 `key`
   * invalid_value otherwise) over the same responses as results(): newest first, `limit` 1–100
   * (default 20) from `offset`, with the total.
   */
  async answers(
    actor: Actor,
    id: string,
    q: { key?: string; from?: string; to?: string; offset?: string; limit?: string },
  ): Promise<AnswersPage> {
    const issues = periodIssues(q);
    const int = (v: string | undefined, field: string, min: number, max: number, dflt: number) => {
      if (v === undefined || v === '') return dflt;
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < min || n > max) {
        issues.push({ field, issue: 'score_out_of_range', params: { min, max } });
        return dflt;
      }
      return n;
    };
    const offset = int(q.offset, 'offset', 0, 1_000_000, 0);
    const limit = int(q.limit, 'limit', 1, ANSWERS_PAGE_MAX, 20);
    if (!q.key) issues.push({ field: 'key', issue: 'required' });
    if (issues.length) throw invalid(issues);
    const key = q.key ?? '';
    const { from, to } = periodOf(actor, q);
    const s = await this.survey(actor, id);
    if (![...s.questions, ...s.retired_questions].some((x) => x.key === key))
      throw invalid([{ field: 'key', issue: 'invalid_value' }]);
    if (!can(actor, 'account', 'read')) throw forbidden();
    const tdb = this.tdb(actor.tenantId);
    const window = windowOf(actor, id, from, to);
    const total = await tdb.one(sql<{ n: number }>`select count(*)::int as n from survey_response r
      join account t on t.tenant_id = r.tenant_id and t.id = r.account_id
      where ${window} and jsonb_typeof(r.answers) = 'object' and r.answers ->> ${key} is not null`);
    const answers = await tdb.query(sql<TextAnswer>`select x.response_id, x.submitted_at, x.account_id,
        x.account_name, x.contact_id, x.contact_name, x.score, x.category, x.key_user, x.text
      from (${textAnswersSql(window, sql`a.key = ${key}`)}) x
      where x.rn > ${offset} and x.rn <= ${offset + limit} order by x.rn`);
    return { key, total: total?.n ?? 0, offset, limit, answers };
  }
}

/** Issues of a results period: `from` and `to` must be dates when given. */
function periodIssues(q: { from?: string; to?: string }): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (q.from && !isValidDate(q.from)) issues.push({ field: 'from', issue: 'invalid_date' });
  if (q.to && !isValidDate(q.to)) issues.push({ field: 'to', issue: 'invalid_date' });
  return issues;
}

/** The results period: default the first of the month eleven months before today, to today. */
function periodOf(actor: Actor, q: { from?: string; to?: string }): { from: string; to: string } {
  const to = q.to || todayIn(actor.timeZone);
  const from = q.from || `${addMonthsIso(to, -11).slice(0, 7)}-01`;
  if (from > to) throw invalid([{ field: 'to', issue: 'before_from' }]);
  return { from, to };
}

/**
 * The responses results count, over aliases `r` (survey_response) and `t` (its account): the
 * survey's, submitted in the period (days in the actor's zone), on customers the actor reads.
 */
function windowOf(actor: Actor, id: string, from: string, to: string): RawBuilder<unknown> {
  return sql`r.tenant_id = ${actor.tenantId} and r.survey_id = ${id} and r.deleted_at is null
      and (r.submitted_at at time zone ${actor.timeZone})::date between ${from}::date and ${to}::date
      and ${accountReadPredicate(actor)}`;
}

/** Answers (one row per response and key matching `keys`), numbered per key newest first (rn). */
function textAnswersSql(window: RawBuilder<unknown>, keys: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`select a.key, r.id as response_id, r.submitted_at, r.account_id, t.name as account_name,
      r.contact_id, c.name as contact_name, r.score, r.category, r.key_user, a.value as text,
      row_number() over (partition by a.key order by r.submitted_at desc, r.id desc) as rn
    from survey_response r
    join account t on t.tenant_id = r.tenant_id and t.id = r.account_id
    left join contact c on c.tenant_id = r.tenant_id and c.id = r.contact_id
    cross join lateral jsonb_each_text(case when jsonb_typeof(r.answers) = 'object' then r.answers
      else '{}'::jsonb end) a
    where ${window} and ${keys}`;
}

/** Locale of the tenant, for texts stored once (the call-back task's subject). */
async function tenantLocaleOf(tx: TenantDb): Promise<Locale> {
  const r = await tx.one(sql<{ locale: string }>`select locale from tenant where id = ${tx.tenantId}`);
  return isLocale(r?.locale) ? r.locale : 'zh-CN';
}

/**
 * When a red light a survey answer opened closes, the customer's CSM (else the light's owner)
 * gets a call-back task due in three days on the responding contact, and the response names it;
 * the outcome is recorded later (POST /survey-responses/{id}/callback). A light closed again
 * after a reopen gets a new task only when the previous one is no longer open.
 */
export async function onSurveyLightClosed(tx: TenantDb, light: ClosedLight): Promise<void> {
  if (light.source !== 'survey' || !light.survey_response_id) return;
  const r = await tx.one(sql<{
    id: string;
    account_id: string;
    account_name: string;
    contact_id: string;
    contact_name: string | null;
    score: number;
    owner_id: string | null;
    task_open: boolean;
  }>`select r.id, r.account_id, a.name as account_name, r.contact_id, c.name as contact_name, r.score,
      coalesce(a.csm_id, ${light.owner_id}::uuid, a.owner_id) as owner_id,
      coalesce(tk.status = 'open', false) as task_open
    from survey_response r
    join account a on a.tenant_id = r.tenant_id and a.id = r.account_id
    left join contact c on c.tenant_id = r.tenant_id and c.id = r.contact_id
    left join task tk on tk.tenant_id = r.tenant_id and tk.id = r.callback_task_id and tk.deleted_at is null
    where r.tenant_id = ${tx.tenantId} and r.id = ${light.survey_response_id}
    for update of r`);
  if (!r || r.task_open) return;
  const locale = await tenantLocaleOf(tx);
  const subject = TEXT[locale].callback(r.contact_name ?? '', r.account_name, r.score).slice(0, 200);
  const taskId = newId();
  const notes =
    locale === 'zh-CN'
      ? '问卷答复引发的红灯已关闭，请回访客户确认问题是否解决，并在问卷答复上记录回访结果。'
      : 'The red light this survey answer opened has closed: call the customer back to check the result and record the outcome on the survey response.';
  await tx.exec0(sql`insert into task (tenant_id, id, owner_id, subject, status, priority, due_at, notes, account_id,
      contact_id)
    values (${tx.tenantId}, ${taskId}, ${r.owner_id}, ${subject}, 'open', 'high', now() + interval '3 days', ${notes},
      ${r.account_id}, ${r.contact_id})`);
  await tx.exec0(sql`update survey_response set callback_task_id = ${taskId}, callback_outcome = null,
      callback_at = null, callback_by = null, version = version + 1, updated_at = now()
    where tenant_id = ${tx.tenantId} and id = ${r.id}`);
  const system = { userId: null, apiKeyId: null };
  const record = {
    subject,
    owner_id: r.owner_id,
    status: 'open',
    priority: 'high',
    account_id: r.account_id,
    contact_id: r.contact_id,
    notes,
  };
  await writeAudit(tx, system, [
    {
      action: 'create',
      object: 'task',
      recordId: taskId,
      changes: Object.fromEntries(Object.entries(record).map(([k, v]) => [k, [null, v]])),
      meta: { source: 'survey.callback', light_id: light.id, survey_response_id: r.id },
    },
    {
      action: 'update',
      object: 'survey_response',
      recordId: r.id,
      changes: { callback_task_id: [null, taskId] },
      meta: { source: 'survey.callback', light_id: light.id },
    },
  ]);
  await emitEvents(tx, null, [
    {
      type: 'task.created',
      object: 'task',
      recordId: taskId,
      payload: { object: 'task', id: taskId, record },
    },
  ]);
  if (r.owner_id)
    await addNotifications(tx, [
      { userId: r.owner_id, kind: 'success.survey_callback', title: subject, link: `/o/task/${taskId}` },
    ]);
}

// registered once at module load (lights.service.ts calls its listeners when a light closes)
if (!lightClosedListeners.includes(onSurveyLightClosed)) lightClosedListeners.push(onSurveyLightClosed);
