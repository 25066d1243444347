import { useMemo } from 'react';
import { Typography } from 'antd';
import { useMe } from '../api/queries';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import type { ChartText, StepKey } from './charts';
import type { MovementKind } from './months';

export const KIND_LABEL: Record<MovementKind, MessageKey> = {
  new: 'sub.kind.new',
  expansion: 'sub.kind.expansion',
  reactivation: 'sub.kind.reactivation',
  contraction: 'sub.kind.contraction',
  churn: 'sub.kind.churn',
};

export const STEP_LABEL: Record<StepKey, MessageKey> = {
  start: 'sub.step.start',
  ...KIND_LABEL,
  end: 'sub.step.end',
};

export interface SubFormat extends ChartText {
  /** a rate, or "—" when there was nothing to divide by */
  rate: (r: number | null) => string;
  currency: string;
}

/** Money in the base currency (the report's, else the tenant's) and rates as percentages (92.3%). */
export function useSubFormat(reportCurrency?: string): SubFormat {
  const { t, locale } = useI18n();
  const me = useMe().data;
  const currency = reportCurrency ?? me?.tenant.currency ?? 'CNY';
  return useMemo(() => {
    const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
    return {
      currency,
      money: (fen: number) => formatMoney({ amount: fen, currency }, locale),
      percent: (r: number) => pct.format(r),
      rate: (r: number | null) => (r === null ? t('common.empty') : pct.format(r)),
      month: (m: string) => m,
    };
  }, [currency, locale, t]);
}

/** A signed change: gains green with a plus, losses red. */
export function Change({ fen, format }: { fen: number; format: SubFormat }) {
  if (fen === 0) return <>{format.money(0)}</>;
  return (
    <Typography.Text type={fen < 0 ? 'danger' : 'success'}>
      {fen > 0 ? '+' : ''}
      {format.money(fen)}
    </Typography.Text>
  );
}
