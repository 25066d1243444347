import type { JobDef } from '../../platform/jobs/jobs.types.ts';
import { AppError } from '../../platform/http/errors.ts';
import { trainRenewalModel } from './renewal-model.service.ts';

/**
 * Monthly retraining of the renewal-probability model (1st of the month, 04:00, after the nightly
 * subscriptions run has settled last month's due renewals). Too little history is an answer, not
 * a failure: the run reports it and the weekly probabilities stay as they were.
 */
export function successModelJob(): JobDef {
  return {
    name: 'success.model',
    schedule: '0 4 1 * *',
    description: {
      'zh-CN': '客户成功：每月重新训练续费概率模型',
      'en-US': 'Customer success: monthly retraining of the renewal-probability model',
    },
    async run({ tdb, asOf }) {
      try {
        const r = await trainRenewalModel(tdb, asOf);
        return {
          trained: true,
          version: r.version,
          examples: r.metrics.examples,
          auc: r.metrics.model.auc,
          baseline_auc: r.metrics.baseline.auc,
          repredicted: r.repredicted,
        };
      } catch (e) {
        if (e instanceof AppError && e.messageKey === 'not_enough_history')
          return { trained: false, reason: 'not_enough_history', ...e.params };
        throw e;
      }
    },
  };
}
