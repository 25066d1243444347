import { Empty, Space, Typography } from 'antd';
import { useI18n } from '../i18n/i18n-context';
import type { Cohort } from './api';
import { cohortGrid, retentionCellStyle, RETENTION_STOPS } from './heatmap';
import type { SubFormat } from './parts';

const cell: React.CSSProperties = {
  padding: '4px 8px',
  border: '1px solid #f0f0f0',
  textAlign: 'right',
  whiteSpace: 'nowrap',
  fontVariantNumeric: 'tabular-nums',
};
const sticky = (left: number): React.CSSProperties => ({
  ...cell,
  position: 'sticky',
  left,
  background: '#fff',
  zIndex: 1,
});

/**
 * Rows = cohorts (month of first ARR), columns = months since, cell = net retention. A plain
 * table rather than a canvas: screen readers read it, each cell's title gives its figures.
 */
export function CohortHeatmap({ cohorts, format }: { cohorts: Cohort[]; format: SubFormat }) {
  const { t } = useI18n();
  const grid = cohortGrid(cohorts);
  if (!grid.rows.length)
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('sub.cohort.empty')} />;
  return (
    <>
      <div style={{ overflowX: 'auto' }}>
        <table data-testid="cohort-heatmap" style={{ borderCollapse: 'collapse', fontSize: 12 }}>
          <thead>
            <tr>
              <th scope="col" style={sticky(0)}>
                {t('sub.cohort.cohort')}
              </th>
              <th scope="col" style={cell}>
                {t('sub.cohort.customers')}
              </th>
              <th scope="col" style={cell}>
                {t('sub.cohort.startArr')}
              </th>
              {grid.offsets.map((o) => (
                <th scope="col" key={o} style={cell}>
                  {t('sub.cohort.offset', { n: o })}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {grid.rows.map(({ cohort, cells }) => (
              <tr key={cohort.cohort} data-testid={`cohort-${cohort.cohort}`}>
                <th scope="row" style={sticky(0)}>
                  {cohort.cohort}
                </th>
                <td style={cell}>{cohort.customers}</td>
                <td style={cell}>{format.money(cohort.start_arr)}</td>
                {cells.map((c, i) => {
                  if (!c) return <td key={i} style={cell} />;
                  const style = retentionCellStyle(c.net_retention);
                  const rate = format.rate(c.net_retention);
                  return (
                    <td
                      key={i}
                      style={{ ...cell, ...(style ?? {}) }}
                      title={t('sub.cohort.cell', {
                        cohort: cohort.cohort,
                        month: c.month,
                        arr: format.money(c.arr),
                        customers: c.customers,
                        rate,
                      })}
                    >
                      {rate}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Space size={4} style={{ marginTop: 8 }} aria-hidden>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('sub.cohort.legend')}
        </Typography.Text>
        {RETENTION_STOPS.map(([rate]) => (
          <span
            key={rate}
            style={{
              ...cell,
              display: 'inline-block',
              fontSize: 12,
              ...(retentionCellStyle(rate) ?? {}),
            }}
          >
            {format.percent(rate)}
          </span>
        ))}
      </Space>
    </>
  );
}
