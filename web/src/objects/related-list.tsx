import { Alert, Button, Card, Empty, Table, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { listRecords } from '../api/endpoints';
import { keys } from '../api/queries';
import { errorText } from '../api/error-text';
import type { FieldMeta, ObjectMeta, RecordData } from '../api/types';
import { useI18n } from '../i18n/i18n-context';
import { defaultColumns } from './list-state';
import { expandableFields } from './field-values';
import { FieldValueView, type RenderContext } from './value-render';

const RELATED_LIMIT = 20;

/** Records of another object whose lookup field points at this record. */
export function RelatedList({
  source,
  via,
  recordId,
  ctx,
}: {
  source: ObjectMeta;
  via: FieldMeta;
  recordId: string;
  ctx: RenderContext;
}) {
  const { t, pick } = useI18n();
  const navigate = useNavigate();
  const cols = defaultColumns(source)
    .filter((c) => c !== via.api_name)
    .slice(0, 5);
  const params = {
    filter: [{ field: via.api_name, op: 'eq' as const, value: recordId }],
    limit: RELATED_LIMIT,
    count: true,
    expand: expandableFields(source.fields, cols),
  };
  const q = useQuery({
    queryKey: [...keys.records(source.api_name), 'related', params],
    queryFn: () => listRecords(source.api_name, params),
  });
  const label = pick(source.plural_label);
  const title = `${label}${via.lookup === source.api_name ? ` · ${pick(via.label)}` : ''}`;
  return (
    <Card
      size="small"
      title={title}
      extra={<Typography.Text type="secondary">{q.data?.total ?? ''}</Typography.Text>}
      style={{ marginBottom: 12 }}
      data-testid={`related-${source.api_name}-${via.api_name}`}
    >
      {q.error ? (
        <Alert type="error" showIcon title={errorText(q.error, t)} />
      ) : (
        <Table<RecordData>
          size="small"
          rowKey="id"
          loading={q.isLoading}
          pagination={false}
          dataSource={q.data?.data ?? []}
          scroll={{ x: 'max-content' }}
          locale={{
            emptyText: (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={t('record.noRelated', { object: label })}
              />
            ),
          }}
          columns={cols.flatMap((c) => {
            const f = source.fields.find((x) => x.api_name === c);
            return f
              ? [
                  {
                    key: c,
                    title: pick(f.label),
                    render: (_: unknown, r: RecordData) =>
                      c === source.name_field ? (
                        <Button
                          type="link"
                          size="small"
                          style={{ padding: 0 }}
                          onClick={() => navigate(`/o/${source.api_name}/${r.id}`)}
                        >
                          <FieldValueView field={f} record={r} ctx={ctx} />
                        </Button>
                      ) : (
                        <FieldValueView field={f} record={r} ctx={ctx} />
                      ),
                  },
                ]
              : [];
          })}
        />
      )}
    </Card>
  );
}
