import { useState } from 'react';
import { Alert, App, Form, Input, Modal, Select, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useObjectMeta } from '../api/queries';
import { optionsOf } from '../cash/order-parts';
import { formatDate } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import { showServerErrors } from '../settings/server-errors';
import { requestAdjustment, type AdjustmentReason, type DueRow } from './api';
import type { SubFormat } from './parts';

interface AdjustmentForm {
  reason: AdjustmentReason | undefined;
  note: string;
}
const FIELDS = ['reason', 'note', 'due_date', 'account_id'] as const;
const REASONS: readonly AdjustmentReason[] = ['acquired', 'duplicate_account', 'migrated_contract', 'other'];
const isReason = (v: string): v is AdjustmentReason => REASONS.some((r) => r === v);

/**
 * 应续调整: asks to take a due renewal out of the renewal rate. It goes to approval; the
 * server's per-field messages show under the fields, the rest (no approval process, a request
 * already pending) above them.
 */
export function AdjustmentDialog({
  row,
  format,
  onClose,
}: {
  row: DueRow;
  format: SubFormat;
  onClose: () => void;
}) {
  const { t, pick, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const { meta } = useObjectMeta('renewal_adjustment');
  const [form] = Form.useForm<AdjustmentForm>();
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reason = Form.useWatch('reason', form);

  const submit = async (v: AdjustmentForm) => {
    if (!v.reason) return;
    setBusy(true);
    setProblem(null);
    try {
      const note = v.note.trim();
      const created = await requestAdjustment({
        account_id: row.account_id,
        due_date: row.due_date,
        reason: v.reason,
        ...(note ? { note } : {}),
      });
      void message.success(t(created.status === 'approved' ? 'sub.adjust.applied' : 'sub.adjust.submitted'));
      await qc.invalidateQueries({ queryKey: ['records'] });
      onClose();
    } catch (err) {
      setProblem(showServerErrors(form, err, FIELDS, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t('sub.adjust.title', { account: row.account_name })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('sub.adjust.submit')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: busy }}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">
        {t('sub.adjust.intro', { date: formatDate(row.due_date, locale), amount: format.money(row.due_arr) })}
      </Typography.Paragraph>
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Form<AdjustmentForm>
        form={form}
        layout="vertical"
        initialValues={{ reason: undefined, note: '' }}
        onFinish={(v) => void submit(v)}
        data-testid="adjustment-form"
      >
        <Form.Item
          name="reason"
          label={t('sub.adjust.reason')}
          rules={[{ required: true, message: t('sub.adjust.reasonRequired') }]}
        >
          <Select<AdjustmentReason>
            autoFocus
            options={optionsOf(meta, 'reason', pick).flatMap((o) =>
              isReason(o.value) ? [{ value: o.value, label: o.label }] : [],
            )}
          />
        </Form.Item>
        <Form.Item
          name="note"
          label={t('sub.adjust.note')}
          rules={[
            {
              required: reason === 'other',
              whitespace: true,
              message: t('sub.adjust.noteRequired'),
            },
            { max: 2000 },
          ]}
        >
          <Input.TextArea rows={3} maxLength={2000} placeholder={t('sub.adjust.notePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
