import { useState } from 'react';
import { Alert, Button, Checkbox, Form, Modal, Radio, Result, Space, Spin, Typography } from 'antd';
import { useObjectMeta } from '../api/queries';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import type { RecordData } from '../api/types';
import { useI18n } from '../i18n/i18n-context';
import { showServerErrors } from '../settings/server-errors';
import { RecordSelect } from '../objects/record-select';
import { checkDuplicates, convertLead, type ConvertBody, type ConvertResult } from './leads-api';
import { duplicateProbe, firstVisibleHit } from './lead-logic';
import { DuplicateHitsTable } from './duplicate-hits';

type Mode = 'new' | 'existing';

interface ConvertValues {
  account_mode: Mode;
  account_id?: string | null;
  contact_mode: Mode;
  contact_id?: string | null;
  create_opportunity?: boolean;
}

/** The request body from the form; new options (an opportunity) add keys here. */
export function convertBody(v: ConvertValues): ConvertBody {
  const body: ConvertBody = {};
  if (v.account_mode === 'existing' && v.account_id) body.account_id = v.account_id;
  if (v.contact_mode === 'existing' && v.contact_id) body.contact_id = v.contact_id;
  if (v.create_opportunity) body.opportunity = {};
  return body;
}

interface Props {
  open: boolean;
  lead: RecordData;
  onClose: () => void;
  onConverted: (r: ConvertResult) => Promise<void>;
}

/** Lead → account + contact, after showing who already has this person or company. */
export function ConvertDialog({ open, lead, onClose, onConverted }: Props) {
  const { t, pick } = useI18n();
  const navigate = useNavigate();
  const opportunityMeta = useObjectMeta('opportunity').meta;
  const [form] = Form.useForm<ConvertValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ConvertResult | null>(null);
  const probe = duplicateProbe(lead);
  const hasProbe = Object.keys(probe).length > 0;
  const dup = useQuery({
    queryKey: ['leads', 'dupcheck', lead.id, probe],
    queryFn: () => checkDuplicates(probe),
    enabled: open && hasProbe,
  });
  const hits = (dup.data ?? []).filter((h) => !(h.object === 'lead' && h.id === lead.id));
  const accountHit = firstVisibleHit(hits, 'account');
  const contactHit = firstVisibleHit(hits, 'contact');
  const accountMode = Form.useWatch('account_mode', form);
  const contactMode = Form.useWatch('contact_mode', form);

  const close = () => {
    setError(null);
    setResult(null);
    form.resetFields();
    onClose();
  };

  const submit = async (v: ConvertValues) => {
    setBusy(true);
    setError(null);
    try {
      const r = await convertLead(lead.id, convertBody(v));
      setResult(r);
      await onConverted(r);
    } catch (err) {
      setError(showServerErrors(form, err, ['account_id', 'contact_id'], t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('leads.convert.title', { name: String(lead.name ?? '') })}
      width={760}
      onCancel={close}
      destroyOnHidden
      footer={
        result
          ? [
              <Button key="close" onClick={close}>
                {t('common.close')}
              </Button>,
              <Button
                key="go"
                type="primary"
                onClick={() => {
                  close();
                  navigate(`/o/account/${result.account_id}`);
                }}
                data-testid="convert-open-account"
              >
                {t('leads.convert.openAccount')}
              </Button>,
            ]
          : [
              <Button key="cancel" onClick={close}>
                {t('common.cancel')}
              </Button>,
              <Button
                key="ok"
                type="primary"
                loading={busy}
                onClick={() => form.submit()}
                data-testid="convert-submit"
              >
                {t('leads.action.convert')}
              </Button>,
            ]
      }
      data-testid="convert-dialog"
    >
      {result ? (
        <Result
          status="success"
          title={t('leads.convert.done')}
          subTitle={
            <Space size={16} wrap>
              <Link to={`/o/account/${result.account_id}`} data-testid="converted-account-link">
                {t('leads.convert.openAccount')}
              </Link>
              <Link to={`/o/contact/${result.contact_id}`} data-testid="converted-contact-link">
                {t('leads.convert.openContact')}
              </Link>
            </Space>
          }
        />
      ) : (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('leads.dup.title')}
          </Typography.Title>
          {!hasProbe ? (
            <Typography.Text type="secondary">{t('leads.dup.nothingToCheck')}</Typography.Text>
          ) : dup.isLoading ? (
            <Spin />
          ) : dup.error ? (
            <Alert type="warning" showIcon title={t('leads.dup.failed')} />
          ) : hits.length === 0 ? (
            <Alert type="success" showIcon title={t('leads.dup.none')} data-testid="dup-none" />
          ) : (
            <>
              <Alert type="warning" showIcon title={t('leads.dup.found', { count: hits.length })} />
              <DuplicateHitsTable hits={hits} />
            </>
          )}
          {error && <Alert type="error" showIcon title={error} role="alert" data-testid="convert-error" />}
          <Form
            form={form}
            layout="vertical"
            onFinish={(v) => void submit(v)}
            initialValues={{ account_mode: 'new', contact_mode: 'new' }}
            preserve
          >
            <Form.Item name="account_mode" label={t('leads.convert.account')}>
              <Radio.Group
                onChange={(e) => {
                  if (e.target.value === 'existing' && accountHit && !form.getFieldValue('account_id'))
                    form.setFieldValue('account_id', accountHit.id);
                }}
                options={[
                  {
                    value: 'new',
                    label: t('leads.convert.newAccount', { name: String(lead.company || lead.name || '') }),
                  },
                  { value: 'existing', label: t('leads.convert.existingAccount') },
                ]}
              />
            </Form.Item>
            {accountMode === 'existing' && (
              <Form.Item name="account_id" rules={[{ required: true, message: t('leads.required.account') }]}>
                <RecordSelect object="account" initialLabel={accountHit?.name ?? null} />
              </Form.Item>
            )}
            <Form.Item name="contact_mode" label={t('leads.convert.contact')}>
              <Radio.Group
                onChange={(e) => {
                  if (e.target.value === 'existing' && contactHit && !form.getFieldValue('contact_id'))
                    form.setFieldValue('contact_id', contactHit.id);
                }}
                options={[
                  { value: 'new', label: t('leads.convert.newContact', { name: String(lead.name ?? '') }) },
                  { value: 'existing', label: t('leads.convert.existingContact') },
                ]}
              />
            </Form.Item>
            {contactMode === 'existing' && (
              <Form.Item name="contact_id" rules={[{ required: true, message: t('leads.required.contact') }]}>
                <RecordSelect object="contact" initialLabel={contactHit?.name ?? null} />
              </Form.Item>
            )}
            {/* the sales module's opportunity object, when installed */}
            {opportunityMeta && (
              <Form.Item name="create_opportunity" valuePropName="checked">
                <Checkbox>
                  {t('leads.convert.createOpportunity', { object: pick(opportunityMeta.label) })}
                </Checkbox>
              </Form.Item>
            )}
            <Typography.Text type="secondary">{t('leads.convert.fillHint')}</Typography.Text>
          </Form>
        </Space>
      )}
    </Modal>
  );
}
