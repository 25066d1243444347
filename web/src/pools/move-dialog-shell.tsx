import { useState, type ReactNode } from 'react';
import { Alert, Form, Modal } from 'antd';
import { useI18n } from '../i18n/i18n-context';
import { showServerErrors } from '../settings/server-errors';

/** What a pool move asks for: a person, a pool, a reason or note. */
export interface MoveValues {
  owner_id?: string;
  pool_id?: string;
  reason?: string;
}

const FIELDS = ['owner_id', 'pool_id', 'reason'] as const;

interface Props {
  open: boolean;
  title: string;
  testId: string;
  onCancel: () => void;
  /** Throws the server error to show it on the fields; resolves when done. */
  onSubmit: (v: MoveValues) => Promise<void>;
  /** The form items of the move at hand. */
  children: ReactNode;
}

/**
 * The dialog around a pool move (leads and accounts): submits the form with the reason trimmed,
 * puts the server's field errors on the fields and the rest in an alert, resets on cancel.
 */
export function MoveDialogShell({ open, title, testId, onCancel, onSubmit, children }: Props) {
  const { t } = useI18n();
  const [form] = Form.useForm<MoveValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const finish = async (v: MoveValues) => {
    setBusy(true);
    setError(null);
    try {
      await onSubmit({ ...v, reason: v.reason?.trim() || undefined });
      form.resetFields();
    } catch (err) {
      setError(showServerErrors(form, err, FIELDS, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={title}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={() => {
        setError(null);
        form.resetFields();
        onCancel();
      }}
      destroyOnHidden
      data-testid={testId}
    >
      <Form form={form} layout="vertical" onFinish={(v) => void finish(v)} preserve={false}>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} role="alert" />}
        {children}
      </Form>
    </Modal>
  );
}
