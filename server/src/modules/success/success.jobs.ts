import type { JobContext, JobDef } from '../../platform/jobs/jobs.types.ts';
import type { Platform } from '../../platform/platform.ts';
import { scoreCustomers, type ScoreRun } from './health.service.ts';
import { predictWeek } from './renewal-model.service.ts';
import { alertsStep, effectivenessStep } from './alerts.service.ts';
import { digestStep } from './success-digest.service.ts';

/**
 * A step of the weekly run after scoring, in order (probabilities, alerts and work orders,
 * effectiveness, digest). Each reads the snapshots of `run.week_start` and returns its figures.
 */
export type WeeklyStep = (
  platform: Platform,
  ctx: JobContext,
  run: ScoreRun,
) => Promise<Record<string, unknown>>;

const steps: { name: string; step: WeeklyStep }[] = [
  // renewal probabilities first: the alerts compare them with the week before
  { name: 'probabilities', step: predictWeek },
  // alerts and work orders
  { name: 'alerts', step: alertsStep },
  { name: 'effectiveness', step: effectivenessStep },
  { name: 'digest', step: digestStep },
];

/**
 * The weekly health run (Monday 03:00, tenant time zone): scores the week that ended before
 * `asOf` for every customer, then runs the steps in order. Any past Monday works (back-filling).
 */
export function successWeeklyJob(platform: Platform): JobDef {
  return {
    name: 'success.weekly',
    schedule: '0 3 * * 1',
    description: {
      'zh-CN': '客户成功：周健康度评分、异动预警与预警工单、周一摘要',
      'en-US': 'Customer success: weekly health scores, change alerts and work orders, Monday digest',
    },
    async run(ctx) {
      const run = await scoreCustomers(ctx.tdb, ctx.asOf);
      const out: Record<string, unknown> = { ...run };
      for (const s of steps) out[s.name] = await s.step(platform, ctx, run);
      return out;
    },
  };
}
