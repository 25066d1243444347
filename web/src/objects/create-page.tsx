import { useNavigate, useParams, useSearchParams } from 'react-router';
import { App, Card, Result, Spin, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { createRecord } from '../api/endpoints';
import { keys, useMe, useObjectMeta } from '../api/queries';
import type { FieldMeta } from '../api/types';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import { RecordForm } from './record-form';
import { CREATE_GUARDS } from './create-guards';

/** Whether a URL value may prefill a field of the create form. */
function isPrefill(f: FieldMeta, v: string | null): boolean {
  if (!v) return false;
  if (f.type === 'lookup') return true;
  if (f.type === 'select') return (f.options ?? []).some((o) => o.value === v);
  if (f.type === 'date') return /^\d{4}-\d{2}-\d{2}$/.test(v);
  return false;
}

export default function CreatePage() {
  const { object = '' } = useParams();
  const { t, pick } = useI18n();
  const { message, modal } = App.useApp();
  const me = useMe().data;
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const queryClient = useQueryClient();
  const { meta, isLoading } = useObjectMeta(object);
  if (isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (!meta || !canDo(me, object, 'create')) return <Result status="403" subTitle={t('list.noPermission')} />;
  const label = pick(meta.label);
  // `?account_id=…` prefills a lookup ("new opportunity" from an account page); a select takes one
  // of its options and a date a YYYY-MM-DD (`type=renewal&renewal_due_on=…` from the due-renewals
  // list); other values are ignored
  const prefill = Object.fromEntries(
    meta.fields
      .filter((f) => !f.read_only && isPrefill(f, search.get(f.api_name)))
      .map((f) => [f.api_name, search.get(f.api_name) ?? '']),
  );
  return (
    <Card style={{ maxWidth: 960 }}>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('record.newTitle', { object: label })}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('record.createHint')}</Typography.Paragraph>
      <RecordForm
        meta={meta}
        submitLabel={t('common.save')}
        // the person entering a record owns it unless they pick someone (leads too: clear the
        // owner to let the assignment rules decide)
        defaults={{
          ...(me && meta.fields.some((f) => f.api_name === 'owner_id') ? { owner_id: me.user.id } : {}),
          ...prefill,
        }}
        onCancel={() => navigate(-1)}
        onSubmit={async (values) => {
          const guard = await CREATE_GUARDS[meta.api_name]?.();
          if (guard && !(await guard(values, modal, t))) return;
          const created = await createRecord(meta.api_name, values);
          await queryClient.invalidateQueries({ queryKey: keys.records(meta.api_name) });
          void message.success(t('record.created', { object: label }));
          navigate(`/o/${meta.api_name}/${created.id}`, { replace: true });
        }}
      />
    </Card>
  );
}
