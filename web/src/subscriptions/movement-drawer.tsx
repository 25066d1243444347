import { Alert, Drawer, Empty, Table, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n-context';
import { fetchMovementCustomers, subKeys, type MovementCustomer } from './api';
import type { MovementKind } from './months';
import { Change, KIND_LABEL, type SubFormat } from './parts';

/** The customers behind one figure of the movements table (drill-down), biggest change first. */
export function MovementDrawer({
  drill,
  format,
  onClose,
}: {
  drill: { month: string; kind: MovementKind } | null;
  format: SubFormat;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const customers = useQuery({
    queryKey: subKeys.drill(drill?.month ?? '', drill?.kind ?? 'new'),
    queryFn: () => fetchMovementCustomers(drill?.month ?? '', drill?.kind ?? 'new'),
    enabled: drill !== null,
  });
  const rows = customers.data ?? [];
  const total = rows.reduce((s, r) => s + r.change, 0);
  return (
    <Drawer
      open={drill !== null}
      onClose={onClose}
      size={640}
      title={drill ? t('sub.drill.title', { month: drill.month, kind: t(KIND_LABEL[drill.kind]) }) : null}
      destroyOnHidden
    >
      {customers.error ? (
        <Alert type="error" showIcon title={errorText(customers.error, t)} />
      ) : (
        <Table<MovementCustomer>
          size="small"
          rowKey="account_id"
          data-testid="drill-table"
          loading={customers.isLoading}
          dataSource={rows}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          locale={{
            emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sub.drill.empty')} />,
          }}
          columns={[
            {
              key: 'account',
              title: t('sub.drill.account'),
              render: (_, r) => <Link to={`/o/account/${r.account_id}`}>{r.account_name}</Link>,
            },
            {
              key: 'start',
              title: t('sub.drill.startArr'),
              align: 'right',
              render: (_, r) => format.money(r.start_arr),
            },
            {
              key: 'end',
              title: t('sub.drill.endArr'),
              align: 'right',
              render: (_, r) => format.money(r.end_arr),
            },
            {
              key: 'change',
              title: t('sub.drill.change'),
              align: 'right',
              render: (_, r) => <Change fen={r.change} format={format} />,
            },
          ]}
          summary={() =>
            rows.length > 0 && (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0} colSpan={3}>
                  <Typography.Text strong>{t('sub.drill.total', { count: rows.length })}</Typography.Text>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={3} align="right">
                  <span data-testid="drill-total">
                    <Change fen={total} format={format} />
                  </span>
                </Table.Summary.Cell>
              </Table.Summary.Row>
            )
          }
        />
      )}
    </Drawer>
  );
}
