import { useState } from 'react';
import { Alert, AutoComplete, Form, Input, Modal } from 'antd';
import { useI18n } from '../i18n/i18n-context';
import { showServerErrors } from '../settings/server-errors';
import { UserSelect } from '../leads/pickers';
import { useAccountSettings } from './api';
import { AccountPoolSelect } from './pool-select';

export type AccountMoveKind = 'return' | 'assign' | 'transfer';

export interface AccountMoveValues {
  owner_id?: string;
  pool_id?: string;
  reason?: string;
}

interface Props {
  kind: AccountMoveKind | null;
  /** How many accounts the move applies to (bulk on the pool page). */
  count?: number;
  excludeOwner?: string | null;
  excludePool?: string | null;
  onCancel: () => void;
  /** Throws the server error to show it on the fields; resolves when done. */
  onSubmit: (v: AccountMoveValues) => Promise<void>;
}

const FIELDS = ['owner_id', 'pool_id', 'reason'] as const;

/**
 * Return (reason required: the tenant's reasons offered, free text allowed), assign to a person,
 * transfer to another pool.
 */
export function AccountMoveDialog({ kind, count = 1, excludeOwner, excludePool, onCancel, onSubmit }: Props) {
  const { t } = useI18n();
  const [form] = Form.useForm<AccountMoveValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const settings = useAccountSettings();
  const titles: Record<AccountMoveKind, string> = {
    return: t('accounts.action.return'),
    assign: t('accounts.action.assign'),
    transfer: t('accounts.action.transfer'),
  };

  const finish = async (v: AccountMoveValues) => {
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
      open={kind !== null}
      title={kind ? `${titles[kind]}${count > 1 ? ` · ${t('accounts.selectedCount', { count })}` : ''}` : ''}
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
      data-testid="account-move-modal"
    >
      <Form form={form} layout="vertical" onFinish={(v) => void finish(v)} preserve={false}>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} role="alert" />}
        {kind === 'assign' && (
          <Form.Item
            name="owner_id"
            label={t('accounts.field.assignee')}
            rules={[{ required: true, message: t('accounts.required.assignee') }]}
          >
            <UserSelect autoFocus exclude={excludeOwner ? [excludeOwner] : []} />
          </Form.Item>
        )}
        {kind === 'transfer' && (
          <Form.Item
            name="pool_id"
            label={t('accounts.field.targetPool')}
            rules={[{ required: true, message: t('accounts.required.pool') }]}
          >
            <AccountPoolSelect autoFocus exclude={excludePool ? [excludePool] : []} />
          </Form.Item>
        )}
        {kind === 'return' && (
          <Form.Item
            name="reason"
            label={t('accounts.field.returnReason')}
            extra={t('accounts.returnHint')}
            rules={[{ required: true, whitespace: true, message: t('accounts.required.reason') }]}
          >
            <AutoComplete
              autoFocus
              options={(settings.data?.returnReasons ?? []).map((r) => ({ value: r }))}
              filterOption={(input, option) => String(option?.value ?? '').includes(input.trim())}
              maxLength={500}
              placeholder={t('accounts.pickReason')}
              data-testid="return-reason"
            />
          </Form.Item>
        )}
        {kind !== 'return' && kind !== null && (
          <Form.Item name="reason" label={t('accounts.field.note')}>
            <Input maxLength={500} placeholder={t('accounts.noteHint')} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
