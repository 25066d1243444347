import { Alert, Button, Tag } from 'antd';
import { Link } from 'react-router';
import { useMe } from '../api/queries';
import type { ObjectMeta } from '../api/types';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';

/** The currencies the generic money input offers, the tenant's first. */
export const CURRENCIES = ['CNY', 'USD', 'EUR', 'HKD', 'JPY', 'GBP', 'SGD'];

type PickLabel = ReturnType<typeof useI18n>['pick'];

/** A select field's options in the UI language (order type, status…), from the object metadata. */
export function optionsOf(meta: ObjectMeta | undefined, field: string, pick: PickLabel) {
  return (meta?.fields.find((f) => f.api_name === field)?.options ?? []).map((o) => ({
    value: o.value,
    label: pick(o.label),
    color: o.color,
  }));
}

/** A select value as a coloured tag (the colours the server's metadata gives). */
export function OptionTag({
  meta,
  field,
  value,
  testId,
}: {
  meta: ObjectMeta | undefined;
  field: string;
  value: unknown;
  testId?: string;
}) {
  const { pick } = useI18n();
  if (typeof value !== 'string' || !value) return null;
  const o = optionsOf(meta, field, pick).find((x) => x.value === value);
  return (
    <Tag color={o?.color ?? undefined} data-testid={testId}>
      {o?.label ?? value}
    </Tag>
  );
}

/** An empty catalog: orders sell products, so say where to add the first one. */
export function NoProductsHint() {
  const { t } = useI18n();
  const me = useMe().data;
  const canAdd = canDo(me, 'product', 'create');
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 12 }}
      data-testid="no-products"
      title={t('cash.products.none')}
      description={canAdd ? t('cash.products.addFirst') : t('cash.products.askAdmin')}
      action={
        canAdd ? (
          <Link to="/o/product/new">
            <Button size="small" type="primary">
              {t('cash.products.add')}
            </Button>
          </Link>
        ) : (
          <Link to="/o/product">{t('cash.products.open')}</Link>
        )
      }
    />
  );
}
