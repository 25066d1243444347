import { Suspense, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  Descriptions,
  Drawer,
  Popconfirm,
  Result,
  Space,
  Spin,
  Tabs,
  Typography,
} from 'antd';
import { DeleteOutlined, EditOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { deleteRecord, updateRecord } from '../api/endpoints';
import { keys, useMe, useObjectMeta, useObjects, useRecord } from '../api/queries';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import type { FieldMeta, ObjectMeta, RecordData } from '../api/types';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import { NotFoundPage } from '../shell/not-found-page';
import { InlineField } from './inline-field';
import { RecordHistory } from './record-history';
import { RelatedList } from './related-list';
import { RecordForm } from './record-form';
import { FieldValueView } from './value-render';
import { formOrder, recordTitle } from './field-values';
import { useRenderContext } from './use-render-context';
import { GENERIC_PANELS, RECORD_PANELS } from './record-panels';

const KEY_FIELD_TYPES = new Set(['select', 'currency', 'user', 'phone', 'email', 'lookup']);

function RecordView({ meta, id }: { meta: ObjectMeta; id: string }) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const me = useMe().data;
  const ctx = useRenderContext();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const objects = useObjects().data ?? [];
  const [editing, setEditing] = useState(false);
  const [conflict, setConflict] = useState<string | null>(null);
  const expand = meta.fields.filter((f) => f.type === 'lookup' || f.type === 'user').map((f) => f.api_name);
  const record = useRecord(meta.api_name, id, expand);
  const canUpdate = canDo(me, meta.api_name, 'update');
  const canDelete = canDo(me, meta.api_name, 'delete');

  if (record.isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (record.error instanceof ApiError && record.error.status === 404) return <NotFoundPage />;
  if (record.error || !record.data) return <Alert type="error" showIcon title={errorText(record.error, t)} />;
  const data: RecordData = record.data;
  const title = recordTitle(data, meta.name_field);
  const Panel = RECORD_PANELS[meta.api_name];

  const refresh = async () => {
    await queryClient.invalidateQueries({ queryKey: keys.records(meta.api_name) });
    await queryClient.invalidateQueries({ queryKey: keys.audit(meta.api_name, id) });
  };

  /** Every write carries the version we saw; a 409 means someone else saved in between. */
  const save = async (values: Record<string, unknown>): Promise<string | null> => {
    try {
      await updateRecord(meta.api_name, id, { ...values, version: data.version });
      setConflict(null);
      await refresh();
      void message.success(t('common.saved'));
      return null;
    } catch (err) {
      if (err instanceof ApiError && err.key === 'record_locked') return err.message;
      if (err instanceof ApiError && err.status === 409) {
        setConflict(`${err.message} ${t('record.conflict')}`);
        await refresh();
        return err.message;
      }
      if (err instanceof ApiError && err.details.length) return err.details.map((d) => d.issue).join('；');
      return errorText(err, t);
    }
  };

  const remove = async () => {
    try {
      await deleteRecord(meta.api_name, id);
      await queryClient.invalidateQueries({ queryKey: keys.records(meta.api_name) });
      void message.success(t('common.deleted'));
      navigate(`/o/${meta.api_name}`);
    } catch (err) {
      void message.error(errorText(err, t));
    }
  };

  const visible = meta.fields.filter((f) => f.api_name !== 'id' && f.api_name !== meta.name_field);
  const own = formOrder(
    visible.filter((f) => !f.system),
    meta.name_field,
  );
  const system = visible.filter((f) => f.system);
  // The owner is who a sales director asks about first, so it leads the key fields.
  const keyFields = [
    ...own.filter((f) => f.api_name === 'owner_id'),
    ...own.filter((f) => f.api_name !== 'owner_id' && KEY_FIELD_TYPES.has(f.type)),
  ].slice(0, 6);
  const editableField = (f: FieldMeta) => canUpdate && !f.read_only && !f.system;
  // Other objects first (contacts of an account); self-references (child accounts) after.
  const related = objects
    .flatMap((o) =>
      o.fields
        .filter((f) => f.type === 'lookup' && f.lookup === meta.api_name)
        .map((f) => ({ source: o, via: f })),
    )
    .sort(
      (a, b) => Number(a.source.api_name === meta.api_name) - Number(b.source.api_name === meta.api_name),
    );

  const section = (fields: FieldMeta[], testId: string) => (
    <Descriptions
      bordered
      size="small"
      column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 3, xxl: 3 }}
      data-testid={testId}
      items={fields.map((f) => ({
        key: f.api_name,
        label: (
          <span>
            {pick(f.label)}
            {f.required && <Typography.Text type="danger"> *</Typography.Text>}
          </span>
        ),
        children: (
          <InlineField
            field={f}
            record={data}
            ctx={ctx}
            editable={editableField(f)}
            onSave={(name, v) => save({ [name]: v })}
          />
        ),
      }))}
    />
  );

  return (
    <div>
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[{ title: <Link to={`/o/${meta.api_name}`}>{pick(meta.plural_label)}</Link> }, { title }]}
      />
      <Card style={{ marginBottom: 12 }}>
        <div className="fw-page-header" style={{ marginBottom: 8 }}>
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="record-title">
            {title}
          </Typography.Title>
          <Space wrap data-testid="record-actions">
            {canUpdate && (
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
                {t('common.edit')}
              </Button>
            )}
            {canDelete && (
              <Popconfirm
                title={t('record.deleteConfirm', { name: title })}
                okText={t('common.delete')}
                cancelText={t('common.cancel')}
                okButtonProps={{ danger: true }}
                onConfirm={() => remove()}
              >
                <Button danger icon={<DeleteOutlined />}>
                  {t('common.delete')}
                </Button>
              </Popconfirm>
            )}
          </Space>
        </div>
        <Space size={[32, 8]} wrap>
          {keyFields.map((f) => (
            <div key={f.api_name}>
              <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
                {pick(f.label)}
              </Typography.Text>
              <FieldValueView field={f} record={data} ctx={ctx} />
            </div>
          ))}
        </Space>
      </Card>
      {conflict && (
        <Alert
          type="warning"
          showIcon
          closable={{ onClose: () => setConflict(null) }}
          title={conflict}
          style={{ marginBottom: 12 }}
          role="alert"
          data-testid="conflict"
        />
      )}
      {Panel && (
        <Suspense fallback={<Spin style={{ display: 'block', margin: 16 }} />}>
          <Panel meta={meta} record={data} refresh={refresh} />
        </Suspense>
      )}
      <Suspense fallback={<Spin style={{ display: 'block', margin: 16 }} />}>
        {GENERIC_PANELS.map((P, i) => (
          <P key={i} meta={meta} record={data} refresh={refresh} />
        ))}
      </Suspense>
      <Card>
        <Tabs
          items={[
            {
              key: 'details',
              label: t('record.details'),
              children: (
                <Space orientation="vertical" size={16} style={{ width: '100%' }}>
                  {section(own, 'section-details')}
                  <Typography.Title level={5} style={{ margin: 0 }}>
                    {t('record.system')}
                  </Typography.Title>
                  {section(system, 'section-system')}
                </Space>
              ),
            },
            ...(related.length
              ? [
                  {
                    key: 'related',
                    label: t('record.relatedTab'),
                    children: related.map((r) => (
                      <RelatedList
                        key={`${r.source.api_name}.${r.via.api_name}`}
                        source={r.source}
                        via={r.via}
                        recordId={id}
                        ctx={ctx}
                      />
                    )),
                  },
                ]
              : []),
            {
              key: 'history',
              label: t('record.history'),
              children: <RecordHistory meta={meta} id={id} ctx={ctx} />,
            },
          ]}
        />
      </Card>
      <Drawer
        open={editing}
        title={`${t('common.edit')} · ${title}`}
        size="large"
        onClose={() => setEditing(false)}
        destroyOnHidden
      >
        <RecordForm
          meta={meta}
          record={data}
          submitLabel={t('common.save')}
          onCancel={() => setEditing(false)}
          onSubmit={async (values) => {
            if (Object.keys(values).length === 0) return setEditing(false);
            try {
              await updateRecord(meta.api_name, id, { ...values, version: data.version });
            } catch (err) {
              // a pending approval locks the record: the form says so and keeps what was typed
              if (err instanceof ApiError && err.key === 'record_locked') throw err;
              if (err instanceof ApiError && err.status === 409) {
                setConflict(`${err.message} ${t('record.conflict')}`);
                setEditing(false);
                await refresh();
                return;
              }
              throw err;
            }
            await refresh();
            setEditing(false);
            void message.success(t('common.saved'));
          }}
        />
      </Drawer>
    </div>
  );
}

export default function RecordPage() {
  const { object = '', id = '' } = useParams();
  const { t } = useI18n();
  const { meta, isLoading } = useObjectMeta(object);
  if (isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (!meta) return <Result status="403" subTitle={t('list.noPermission')} />;
  return <RecordView key={`${object}/${id}`} meta={meta} id={id} />;
}
