import { useMemo } from 'react';
import { Tag, Tooltip } from 'antd';
import { useMe } from '../api/queries';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import type { ChartText } from './charts';
import { STATUS_TAG, type Dimension, type HealthStatus } from './logic';

export const STATUS_LABEL: Record<HealthStatus, MessageKey> = {
  healthy: 'cs.status.healthy',
  sub_healthy: 'cs.status.sub_healthy',
  unhealthy: 'cs.status.unhealthy',
  no_data: 'cs.status.no_data',
};

export const DIMENSION_LABEL: Record<Dimension, MessageKey> = {
  module_usage: 'cs.dim.module_usage',
  instance_ratio: 'cs.dim.instance_ratio',
  activation_rate: 'cs.dim.activation_rate',
  login_rate: 'cs.dim.login_rate',
  bi_usage: 'cs.dim.bi_usage',
};

const FEATURE_LABEL: Record<string, MessageKey> = {
  score: 'cs.feature.score',
  module_usage: 'cs.feature.module_usage',
  instance_ratio: 'cs.feature.instance_ratio',
  activation_rate: 'cs.feature.activation_rate',
  login_rate: 'cs.feature.login_rate',
  bi_usage: 'cs.feature.bi_usage',
  trend_4w: 'cs.feature.trend_4w',
  trend_13w: 'cs.feature.trend_13w',
  arr_log: 'cs.feature.arr_log',
  tenure_months: 'cs.feature.tenure_months',
  open_work_orders: 'cs.feature.open_work_orders',
  lights_90d: 'cs.feature.lights_90d',
  nps_answered: 'cs.feature.nps_answered',
  nps_mean: 'cs.feature.nps_mean',
};

/** A renewal-model feature in the UI language (a feature added on the server later shows as named there). */
export function useFeatureLabel(): (feature: string) => string {
  const { t } = useI18n();
  return (f) => {
    const key = FEATURE_LABEL[f];
    return key ? t(key) : f;
  };
}

export interface SuccessFormat extends ChartText {
  /** a rate, or "—" when there was nothing to divide by */
  rate: (r: number | null) => string;
  /** a score with one decimal, or "—" */
  score: (s: number | null) => string;
  /** a dimension's raw value: module points as a number, instance ratio per seat, the rest in percent */
  raw: (d: Dimension, v: number | null) => string;
  currency: string;
}

/** Money in the tenant's base currency, rates as percentages, scores with one decimal. */
export function useSuccessFormat(): SuccessFormat {
  const { t, locale } = useI18n();
  const currency = useMe().data?.tenant.currency ?? 'CNY';
  return useMemo(() => {
    const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
    const dec = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    const one = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    const dash = t('common.empty');
    return {
      currency,
      money: (fen: number) => formatMoney({ amount: fen, currency }, locale),
      percent: (r: number) => pct.format(r),
      rate: (r: number | null) => (r === null ? dash : pct.format(r)),
      score: (s: number | null) => (s === null ? dash : one.format(s)),
      raw: (d: Dimension, v: number | null) => {
        if (v === null) return dash;
        if (d === 'module_usage') return t('cs.raw.points', { n: dec.format(v) });
        if (d === 'instance_ratio') return t('cs.raw.perSeat', { n: dec.format(v) });
        return pct.format(v);
      },
    };
  }, [currency, locale, t]);
}

/** A health status as a coloured tag; a delayed customer says why it is unhealthy. */
export function StatusTag({
  status,
  delayed = false,
  testId,
}: {
  status: HealthStatus;
  delayed?: boolean;
  testId?: string;
}) {
  const { t } = useI18n();
  return (
    <span data-testid={testId}>
      <Tag color={STATUS_TAG[status]}>{t(STATUS_LABEL[status])}</Tag>
      {delayed && (
        <Tooltip title={t('cs.delayedHint')}>
          <Tag color="volcano" tabIndex={0}>
            {t('cs.delayed')}
          </Tag>
        </Tooltip>
      )}
    </span>
  );
}
