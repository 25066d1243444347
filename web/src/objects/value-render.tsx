import { Tag, Typography } from 'antd';
import { Link } from 'react-router';
import type { FieldMeta, FieldValue, Locale, Localized, RecordData } from '../api/types';
import { formatMoney, formatNumber } from '../format/money';
import { formatDate, formatDateTime } from '../format/date';
import { isMoney } from './field-values';

export interface RenderContext {
  locale: Locale;
  timeZone: string;
  pick: (l: Localized | undefined) => string;
  yes: string;
  no: string;
}

function optionLabel(field: FieldMeta, value: string, ctx: RenderContext): string {
  const opt = field.options?.find((o) => o.value === value);
  return opt ? ctx.pick(opt.label) : value;
}

/** Plain-text form of a value, for tags, cards and history. */
export function valueText(field: FieldMeta, value: FieldValue, ctx: RenderContext): string {
  if (value === null || value === undefined || value === '') return '';
  switch (field.type) {
    case 'currency':
      return isMoney(value) ? formatMoney(value, ctx.locale) : '';
    case 'number':
      return typeof value === 'number' ? formatNumber(value, ctx.locale) : String(value);
    case 'percent':
      return typeof value === 'number' ? `${formatNumber(value, ctx.locale)}%` : String(value);
    case 'date':
      return typeof value === 'string' ? formatDate(value, ctx.locale) : '';
    case 'datetime':
      return typeof value === 'string' ? formatDateTime(value, ctx.timeZone, ctx.locale) : '';
    case 'boolean':
      return value === true ? ctx.yes : ctx.no;
    case 'select':
      return typeof value === 'string' ? optionLabel(field, value, ctx) : '';
    case 'multi_select':
      return Array.isArray(value) ? value.map((v) => optionLabel(field, v, ctx)).join(', ') : '';
    default:
      return typeof value === 'object' ? '' : String(value);
  }
}

const OPTION_COLORS = ['blue', 'green', 'gold', 'purple', 'cyan', 'magenta', 'volcano', 'geekblue'];

function optionColor(field: FieldMeta, value: string): string {
  const idx = field.options?.findIndex((o) => o.value === value) ?? -1;
  const explicit = field.options?.[idx]?.color;
  return explicit ?? OPTION_COLORS[Math.max(idx, 0) % OPTION_COLORS.length] ?? 'default';
}

/** A record's field as shown in tables and detail pages. */
export function FieldValueView({
  field,
  record,
  ctx,
}: {
  field: FieldMeta;
  record: RecordData;
  ctx: RenderContext;
}) {
  const raw = record[field.api_name];
  const value: FieldValue =
    raw === undefined || (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && !isMoney(raw))
      ? null
      : raw;
  if (value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
    return <Typography.Text type="secondary">—</Typography.Text>;
  }
  if (field.type === 'lookup' || field.type === 'user') {
    const ref = record._expand?.[field.api_name];
    const label = ref?.name ?? (typeof value === 'string' ? value.slice(0, 8) : '');
    if (field.type === 'lookup' && field.lookup && typeof value === 'string') {
      return <Link to={`/o/${field.lookup}/${value}`}>{label}</Link>;
    }
    return <span>{label}</span>;
  }
  if (field.type === 'select' && typeof value === 'string') {
    return <Tag color={optionColor(field, value)}>{valueText(field, value, ctx)}</Tag>;
  }
  if (field.type === 'multi_select' && Array.isArray(value)) {
    return (
      <>
        {value.map((v) => (
          <Tag key={v} color={optionColor(field, v)}>
            {valueText(field, v, ctx)}
          </Tag>
        ))}
      </>
    );
  }
  if (field.type === 'url' && typeof value === 'string') {
    return (
      <a href={value} target="_blank" rel="noreferrer noopener">
        {value}
      </a>
    );
  }
  if (field.type === 'email' && typeof value === 'string')
    return (
      <a href={`mailto:${value}`} onClick={(e) => e.stopPropagation()}>
        {value}
      </a>
    );
  // dialling a number in a clickable row should not also open the record
  if (field.type === 'phone' && typeof value === 'string')
    return (
      <a href={`tel:${value}`} onClick={(e) => e.stopPropagation()}>
        {value}
      </a>
    );
  const text = valueText(field, value, ctx);
  return field.type === 'currency' || field.type === 'number' || field.type === 'percent' ? (
    <span className="fw-num">{text}</span>
  ) : (
    <span>{text}</span>
  );
}
