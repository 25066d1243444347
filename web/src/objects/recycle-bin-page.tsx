import { App, Button, Empty, Result, Space, Spin, Table, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Link, useParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { restoreRecord } from '../api/endpoints';
import { errorText } from '../api/error-text';
import { keys, useMe, useObjectMeta, useRecordList } from '../api/queries';
import type { ObjectMeta, RecordData } from '../api/types';
import { canDo } from '../auth/permissions';
import { formatDateTime } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import { recordTitle } from './field-values';
import { NotFoundPage } from '../shell/not-found-page';

function RecycleBin({ meta }: { meta: ObjectMeta }) {
  const { t, pick, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe().data;
  const tz = me?.tenant.time_zone ?? 'Asia/Shanghai';
  const list = useRecordList(meta.api_name, { filter: [], deleted: 'only', limit: 50 });
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const label = pick(meta.plural_label) || meta.api_name;

  const restore = async (r: RecordData) => {
    try {
      await restoreRecord(meta.api_name, r.id);
      await qc.invalidateQueries({ queryKey: keys.records(meta.api_name) });
      message.success(t('recycle.restored', { name: recordTitle(r, meta.name_field) }));
    } catch (err) {
      message.error(errorText(err, t));
    }
  };

  if (!canDo(me, meta.api_name, 'delete')) return <Result status="403" subTitle={t('list.noPermission')} />;

  return (
    <div>
      <div className="fw-page-header">
        <Space>
          <Link to={`/o/${meta.api_name}`} aria-label={label}>
            <ArrowLeftOutlined />
          </Link>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('recycle.title', { object: label })}
          </Typography.Title>
        </Space>
      </div>
      <Typography.Paragraph type="secondary">{t('recycle.hint')}</Typography.Paragraph>
      <Table<RecordData>
        size="small"
        rowKey="id"
        data-testid="recycle-table"
        loading={list.isLoading}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: <Empty description={t('recycle.empty')} /> }}
        columns={[
          {
            key: 'name',
            title: pick(meta.fields.find((f) => f.api_name === meta.name_field)?.label) || meta.name_field,
            render: (_, r) => recordTitle(r, meta.name_field),
          },
          {
            key: 'deleted_at',
            title: t('recycle.deletedAt'),
            render: (_, r) => {
              const v = r.deleted_at;
              return typeof v === 'string' ? formatDateTime(v, tz, locale) : t('common.empty');
            },
          },
          {
            key: 'restore',
            title: '',
            render: (_, r) => (
              <Button size="small" onClick={() => void restore(r)}>
                {t('recycle.restore')}
              </Button>
            ),
          },
        ]}
      />
      {list.hasNextPage && (
        <Button
          style={{ marginTop: 12 }}
          onClick={() => void list.fetchNextPage()}
          loading={list.isFetchingNextPage}
        >
          {t('list.loadMore')}
        </Button>
      )}
    </div>
  );
}

export default function RecycleBinPage() {
  const { object = '' } = useParams();
  const { t } = useI18n();
  const { meta, isLoading } = useObjectMeta(object);
  if (isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (!meta) return object ? <Result status="403" subTitle={t('list.noPermission')} /> : <NotFoundPage />;
  return <RecycleBin key={meta.api_name} meta={meta} />;
}
