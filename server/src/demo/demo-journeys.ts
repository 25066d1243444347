import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { sql } from 'kysely';
import type { Platform } from '../platform/platform.ts';
import type { Actor } from '../platform/access/permissions.ts';
import { TenantDb } from '../platform/db/tenant-db.ts';
import { loadActor } from '../platform/identity/actor.ts';
import { todayIn } from '../platform/jobs/dates.rules.ts';
import { addDaysIso, daysBetween } from '../modules/success/journeys.rules.ts';
import {
  currentTemplate,
  JourneysService,
  recordTaskIn,
  startJourney,
  SYSTEM,
  type TaskInput,
} from '../modules/success/journeys.service.ts';
import { alertOverdueStages } from '../modules/success/journeys.jobs.ts';
import { seededRng } from './generator.ts';

/** The links in the stored invitation mails point here (the app's default address). */
const ORIGIN = 'http://localhost:3000';

/** How far back the demo's journeys reach (the live start window is 90 days; the demo shows history). */
const DEMO_WINDOW_DAYS = 400;
const MAX_JOURNEYS = 18;

/** What the CSMs wrote as results of the note tasks. */
const NOTES: Record<string, string> = {
  kickoff: '项目启动会已召开，双方项目经理、客户 IT 负责人参会，纪要已邮件发送',
  research: '已调研销售、财务、客服三个部门的业务流程，整理需求清单 36 项',
  training: '完成管理员与一线销售两场培训，共 42 人参加，系统已正式上线',
  satisfaction: '上线满意度调研已回收，关键用户平均 4.3 分，意见集中在移动端报表',
  coaching: '每两周一次使用辅导，重点推广商机阶段和回款计划功能',
  maintenance: '季度业务回顾已完成，客户计划下季度扩展 BI 模块',
};

/** The documents the file tasks are proven by, by task key. */
const DOCS: Record<string, { file: string; title: string }> = {
  requirements: { file: '需求确认书', title: '需求确认书' },
  testing: { file: '流程测试报告', title: '业务流程测试报告' },
  acceptance: { file: '结项验收单', title: '项目结项验收单' },
};

const DOC_LINES = [
  '项目：飞轮 CRM 实施项目',
  '客户、日期及签字人以系统中的客户旅程记录为准。',
  '双方确认上述内容属实，签字盖章后生效。（演示文件）',
];

/**
 * Days each completed stage took, in order (the stages after them are not completed): at `pace`
 * times the plan while that fits in the days since the start; for a stuck customer (`late` days
 * past the due day of its current stage today), the earlier stages stretched or squeezed (0.5–1.6
 * times their plan) so that the current stage fell due exactly `late` days ago.
 */
function stageDays(planned: number[], sinceStart: number, pace: number, late: number | null): number[] {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  if (late !== null)
    for (let k = planned.length - 1; k >= 1; k--) {
      const before = planned.slice(0, k);
      const elapsed = sinceStart - late - (planned[k] ?? 0);
      const f = elapsed / sum(before);
      if (f < 0.5 || f > 1.6) continue;
      const out = before.map((p) => Math.max(1, Math.round(p * f)));
      out[k - 1] = (out[k - 1] ?? 0) + elapsed - sum(out);
      if ((out[k - 1] ?? 0) >= 1) return out;
    }
  const out: number[] = [];
  for (const p of planned) {
    const d = Math.max(3, Math.round(p * pace));
    if (sum(out) + d > sinceStart) break;
    out.push(d);
  }
  return out;
}

let font: Buffer | null = null;

/** A one-page PDF with Chinese text (the CJK font of @embedpdf/fonts-sc, subset by pdfkit). */
function demoPdf(title: string, lines: string[]): Promise<Buffer> {
  if (!font) {
    const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
    font = fs.readFileSync(path.join(path.dirname(entry), '..', 'fonts', 'NotoSansHans-Regular.otf'));
  }
  const doc = new PDFDocument({ size: 'A4', margin: 60, info: { Title: title } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', font);
  doc.font('cjk').fontSize(20).text(title, { align: 'center' }).moveDown(1.5);
  doc.fontSize(11);
  for (const l of lines) doc.text(l).moveDown(0.6);
  doc.end();
  return done;
}

/**
 * Lifecycle journeys on the installed base (docs/ENGAGEMENT.md "Lifecycle journeys"): every customer
 * whose latest new order falls in the live start window, and older ones spread over the last ~13
 * months, get the journey that order starts (as the order subscriber would, on its signing day —
 * so the subscriber finds nothing left to start when the server delivers the demo's order events).
 * Their CSMs (else the account owners) work them at their own pace — key tasks recorded with notes,
 * ticks and the signed PDFs (需求确认书, 流程测试报告, 结项验收单), stages completed on past days — so
 * some customers are done, most are mid-way, and every third is stuck some days past its plan. A
 * CSAT survey triggered by the trial run's completion goes to the key users, and this morning's
 * overdue check turns the late stages into tasks.
 */
export async function loadDemoJourneys(p: Platform, admin: Actor): Promise<Record<string, number>> {
  const rng = seededRng(6060);
  const t = admin.tenantId;
  const tz = admin.timeZone;
  const tdb = TenantDb.for(p.db, t);
  const today = todayIn(tz);
  const template = await currentTemplate(tdb);
  const candidates = await tdb.query(sql<{
    account_id: string;
    name: string;
    owner_id: string;
    order_id: string;
    order_date: string;
  }>`select distinct on (a.id) a.id as account_id, a.name, coalesce(a.csm_id, a.owner_id) as owner_id,
      o.id as order_id, o.order_date
    from account a join sales_order o on o.tenant_id = a.tenant_id and o.account_id = a.id
    where a.tenant_id = ${t} and a.deleted_at is null and coalesce(a.csm_id, a.owner_id) is not null
      and o.type = 'new' and o.status = 'confirmed' and o.deleted_at is null
      and o.order_date between ${addDaysIso(today, -DEMO_WINDOW_DAYS)}::date and ${today}::date
    order by a.id, o.order_date desc, o.id`);
  const sorted = candidates.sort(
    (a, b) => b.order_date.localeCompare(a.order_date) || a.account_id.localeCompare(b.account_id),
  );
  // every order the live start window covers (the order subscriber would start those journeys
  // anyway), then older ones spread over the rest of the window: mid-way and long done
  const live = sorted.filter((c) => daysBetween(c.order_date, today) <= template.start_window_days);
  const older = sorted.slice(live.length);
  const room = Math.min(older.length, Math.max(0, MAX_JOURNEYS - live.length));
  const spread = [
    ...new Set(
      Array.from({ length: room }, (_, k) => Math.round((k * (older.length - 1)) / Math.max(1, room - 1))),
    ),
  ].flatMap((k) => (older[k] ? [older[k]] : []));
  const picked = [...live, ...spread];
  if (!picked.length) return { journeys: 0 };

  // the satisfaction survey the trial run's completion sends (DOMAIN.md §6.5 "satisfaction at milestones")
  await p.records.create(admin, 'survey', {
    name: '上线验收满意度（旅程自动发送）',
    kind: 'csat',
    intro: '贵司系统已完成上线验收，请为我们的实施与交付服务打分。',
    status: 'active',
    expires_days: 14,
    trigger: 'journey_stage',
  });

  const svc = new JourneysService(p);
  const actors = new Map<string, Actor>();
  const as = async (userId: string): Promise<Actor> => {
    let a = actors.get(userId);
    if (!a) {
      a = (await loadActor(p.db, t, { userId })) ?? admin;
      actors.set(userId, a);
    }
    return a;
  };
  const pdfs = new Map<string, Buffer>();
  let started = 0;
  let stagesDone = 0;
  let files = 0;
  let surveysSent = 0;
  for (const [i, c] of picked.entries()) {
    const id = await tdb.transaction((tx) =>
      startJourney(
        tx,
        SYSTEM,
        { accountId: c.account_id, orderId: c.order_id, startedOn: c.order_date },
        template,
      ),
    );
    if (!id) continue;
    started++;
    await tdb.exec0(sql`update journey set created_at = (${c.order_date}::date + time '18:00') at time zone ${tz}
      where tenant_id = ${t} and id = ${id}`);
    const csm = await as(c.owner_id);
    // every third customer is stuck some days past the plan of its current stage; the rest move
    // at their own pace
    const took = stageDays(
      template.stages.map((s) => s.planned_days ?? 30),
      daysBetween(c.order_date, today),
      0.6 + rng() * 0.6,
      i % 3 === 1 ? 5 + Math.floor(rng() * 25) : null,
    );
    let entered = c.order_date;
    for (const [n, stage] of template.stages.entries()) {
      const days = took[n];
      const finish = days === undefined ? today : addDaysIso(entered, days);
      const completes = days !== undefined;
      // the stage under way has about half of its results; a completed one has all
      const tasks = completes ? stage.tasks : stage.tasks.slice(0, Math.floor(stage.tasks.length / 2));
      const results: { key: string; input: TaskInput }[] = [];
      for (const k of tasks) {
        let body: TaskInput;
        if (k.result === 'checkbox') body = { done: true };
        else if (k.result === 'note') body = { note: NOTES[k.key] ?? `${k.name}已完成` };
        else {
          const d = DOCS[k.key] ?? { file: k.name, title: k.name };
          // one rendering per document kind: embedding the CJK font costs ~0.2 s a file
          const pdf = pdfs.get(d.title) ?? (await demoPdf(d.title, [`阶段：${stage.name}`, ...DOC_LINES]));
          pdfs.set(d.title, pdf);
          const f = await p.files.store(
            csm,
            'account',
            c.account_id,
            `${d.file}-${c.name}.pdf`,
            'application/pdf',
            pdf,
          );
          files++;
          body = { attachment_id: f.id };
        }
        results.push({ key: k.key, input: body });
      }
      await tdb.transaction(async (tx) => {
        for (const r of results)
          await recordTaskIn(tx, csm, { id, account_id: c.account_id }, stage.key, r.key, r.input);
      });
      if (!completes) break;
      const r = await svc.completeStage(
        csm,
        id,
        { stage_key: stage.key, completed_on: finish },
        today,
        ORIGIN,
      );
      stagesDone++;
      surveysSent += r.meta.surveys.reduce((n, s) => n + s.invited, 0);
      // the results were recorded over the stage's days, the stage closed that afternoon
      await tdb.exec0(sql`update journey_task set done_at = (${entered}::date + time '10:00') at time zone ${tz}
          + make_interval(days => (abs(hashtext(key)) % greatest(1, ${daysBetween(entered, finish)}))::int)
        where tenant_id = ${t} and journey_id = ${id} and stage_key = ${stage.key} and done_at is not null`);
      await tdb.exec0(sql`update journey_stage set completed_at = (${finish}::date + time '17:00') at time zone ${tz}
        where tenant_id = ${t} and journey_id = ${id} and key = ${stage.key}`);
      entered = finish;
    }
    // the stage under way: its results came in since it was entered
    await tdb.exec0(sql`update journey_task k set done_at = least(now(), (s.entered_on + time '10:00') at time zone ${tz}
        + make_interval(days => (abs(hashtext(k.key)) % greatest(1, ${today}::date - s.entered_on))::int))
      from journey_stage s where k.tenant_id = ${t} and k.journey_id = ${id} and s.tenant_id = k.tenant_id
        and s.journey_id = k.journey_id and s.key = k.stage_key and s.completed_on is null and k.done_at is not null`);
  }
  // this morning's overdue check: the late stages become tasks for their CSMs
  const alerts = await alertOverdueStages(tdb, today);
  const counts = await tdb.one(sql<{ active: number; completed: number; overdue: number }>`select
      count(*) filter (where j.status = 'active')::int as active,
      count(*) filter (where j.status = 'completed')::int as completed,
      count(*) filter (where s.due_on < ${today}::date)::int as overdue
    from journey j left join journey_stage s on s.tenant_id = j.tenant_id and s.journey_id = j.id
      and s.key = j.current_stage and s.completed_on is null
    where j.tenant_id = ${t}`);
  return {
    journeys: started,
    journeys_active: counts?.active ?? 0,
    journeys_completed: counts?.completed ?? 0,
    journeys_overdue: counts?.overdue ?? 0,
    journey_stages_completed: stagesDone,
    journey_files: files,
    journey_csat_invited: surveysSent,
    journey_overdue_tasks: Number(alerts.tasks ?? 0),
  };
}
