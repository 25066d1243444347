import { useState } from 'react';
import { Alert, Badge, Card, Empty, Spin, Typography } from 'antd';
import { Link } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { aggregateRecords, listRecords, type ListParams } from '../api/endpoints';
import { keys, useMe } from '../api/queries';
import { updateRecord } from '../api/endpoints';
import { errorText } from '../api/error-text';
import type { FieldMeta, ObjectMeta, RecordData } from '../api/types';
import { useI18n } from '../i18n/i18n-context';
import { formatMoney } from '../format/money';
import { FieldValueView } from './value-render';
import { isMoney, recordTitle } from './field-values';
import { useRenderContext } from './use-render-context';

const BOARD_LIMIT = 200;
const NO_VALUE = '__none__';

interface Props {
  meta: ObjectMeta;
  field: FieldMeta;
  params: ListParams;
  cardFields: string[];
  canMove: boolean;
}

/** One column per option of a select field; dropping a card PATCHes that field. */
export function KanbanBoard({ meta, field, params, cardFields, canMove }: Props) {
  const { t, pick, locale } = useI18n();
  const ctx = useRenderContext();
  const currency = useMe().data?.tenant.currency ?? 'CNY';
  const queryClient = useQueryClient();
  const moneyField = meta.fields.find((f) => f.type === 'currency');
  const expand = meta.fields.filter((f) => f.api_name === 'owner_id').map((f) => f.api_name);
  const query = useQuery({
    queryKey: [...keys.records(meta.api_name), 'kanban', field.api_name, params],
    queryFn: () => listRecords(meta.api_name, { ...params, limit: BOARD_LIMIT, expand, count: true }),
  });
  const totals = useQuery({
    queryKey: [...keys.records(meta.api_name), 'aggregate', field.api_name, moneyField?.api_name, params],
    queryFn: () =>
      aggregateRecords(meta.api_name, params, field.api_name, moneyField ? [moneyField.api_name] : []),
  });
  const [moved, setMoved] = useState<Record<string, string | null>>({});
  const [cardErrors, setCardErrors] = useState<Record<string, string>>({});
  const [dropTarget, setDropTarget] = useState<string | null>(null);

  if (query.isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (query.error) return <Alert type="error" showIcon title={errorText(query.error, t)} />;
  const records = query.data?.data ?? [];
  const valueOf = (r: RecordData): string | null => {
    if (r.id in moved) return moved[r.id] ?? null;
    const v = r[field.api_name];
    return typeof v === 'string' ? v : null;
  };

  const move = async (record: RecordData, to: string | null) => {
    if (valueOf(record) === to) return;
    setMoved((m) => ({ ...m, [record.id]: to }));
    setCardErrors(({ [record.id]: _, ...rest }) => rest);
    try {
      await updateRecord(meta.api_name, record.id, { [field.api_name]: to, version: record.version });
      await queryClient.invalidateQueries({ queryKey: keys.records(meta.api_name) });
      setMoved(({ [record.id]: _, ...rest }) => rest);
    } catch (err) {
      // The server said no: the card goes back where it was and says why.
      setMoved(({ [record.id]: _, ...rest }) => rest);
      setCardErrors((e) => ({ ...e, [record.id]: t('kanban.moveFailed', { message: errorText(err, t) }) }));
      // After a conflict the next try needs the current version.
      void queryClient.invalidateQueries({ queryKey: keys.records(meta.api_name) });
    }
  };

  const columns = [
    ...(field.options ?? []).map((o) => ({
      key: o.value,
      value: o.value as string | null,
      label: pick(o.label),
    })),
    { key: NO_VALUE, value: null, label: t('kanban.noValue') },
  ];
  const shownFields = cardFields
    .filter((c) => c !== meta.name_field && c !== field.api_name && c !== moneyField?.api_name)
    .slice(0, 3)
    .flatMap((c) => meta.fields.filter((f) => f.api_name === c));

  return (
    <>
      {(query.data?.total ?? 0) > BOARD_LIMIT && (
        <Alert
          type="info"
          showIcon
          title={t('kanban.more', { count: BOARD_LIMIT })}
          style={{ marginBottom: 8 }}
        />
      )}
      <div className="fw-kanban" data-testid="kanban">
        {columns.map((col) => {
          const cards = records.filter((r) => valueOf(r) === col.value);
          // Server totals cover every matching record, not only the loaded cards; while a
          // drag is pending (or the server lacks the endpoint) the loaded cards are summed.
          const group = totals.data?.find((g) => (g.value ?? null) === col.value);
          const exact = totals.data && Object.keys(moved).length === 0;
          const count = exact ? (group?.count ?? 0) : cards.length;
          const groupSums = group && moneyField ? group.sums[moneyField.api_name] : undefined;
          const sum = !moneyField
            ? null
            : exact
              ? (Array.isArray(groupSums) ? groupSums : [])
                  .filter((m) => m.currency === currency)
                  .reduce((acc, m) => acc + m.amount, 0)
              : cards.reduce((acc, r) => {
                  const m = r[moneyField.api_name];
                  return isMoney(m) && m.currency === currency ? acc + m.amount : acc;
                }, 0);
          return (
            <div
              key={col.key}
              className={`fw-kanban-col${dropTarget === col.key ? ' fw-drop-target' : ''}`}
              data-testid={`kanban-col-${col.key}`}
              onDragOver={(e) => {
                e.preventDefault();
                setDropTarget(col.key);
              }}
              onDragLeave={() => setDropTarget((d) => (d === col.key ? null : d))}
              onDrop={(e) => {
                e.preventDefault();
                setDropTarget(null);
                const id = e.dataTransfer.getData('text/plain');
                const record = records.find((r) => r.id === id);
                if (record) void move(record, col.value);
              }}
            >
              <div
                style={{
                  display: 'flex',
                  justifyContent: 'space-between',
                  marginBottom: 8,
                  padding: '0 4px',
                }}
              >
                <Typography.Text strong>
                  {col.label} <Badge count={count} overflowCount={99999} showZero color="#8c8c8c" />
                </Typography.Text>
                {sum !== null && (
                  <Typography.Text type="secondary" className="fw-num">
                    {formatMoney({ amount: sum, currency }, locale)}
                  </Typography.Text>
                )}
              </div>
              {cards.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={false} />}
              {cards.map((r) => (
                <Card
                  key={r.id}
                  size="small"
                  className={`fw-kanban-card${cardErrors[r.id] ? ' fw-card-error' : ''}`}
                  draggable={canMove}
                  data-testid="kanban-card"
                  onDragStart={(e) => {
                    e.dataTransfer.setData('text/plain', r.id);
                    e.dataTransfer.effectAllowed = 'move';
                  }}
                >
                  <Link to={`/o/${meta.api_name}/${r.id}`} draggable={false}>
                    {recordTitle(r, meta.name_field)}
                  </Link>
                  {shownFields.map((f) => (
                    <div key={f.api_name} style={{ fontSize: 12, color: '#595959' }}>
                      {pick(f.label)}: <FieldValueView field={f} record={r} ctx={ctx} />
                    </div>
                  ))}
                  {moneyField && isMoney(r[moneyField.api_name]) && (
                    <div style={{ marginTop: 4, fontWeight: 600 }}>
                      <FieldValueView field={moneyField} record={r} ctx={ctx} />
                    </div>
                  )}
                  {cardErrors[r.id] && (
                    <Typography.Text type="danger" style={{ fontSize: 12 }} role="alert">
                      {cardErrors[r.id]}
                    </Typography.Text>
                  )}
                </Card>
              ))}
            </div>
          );
        })}
      </div>
    </>
  );
}
