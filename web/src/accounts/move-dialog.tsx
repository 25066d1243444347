import { AutoComplete, Form, Input } from 'antd';
import { useI18n } from '../i18n/i18n-context';
import { UserSelect } from '../leads/pickers';
import { MoveDialogShell, type MoveValues } from '../pools/move-dialog-shell';
import { useAccountSettings } from './api';
import { AccountPoolSelect } from './pool-select';

export type AccountMoveKind = 'return' | 'assign' | 'transfer';

export type AccountMoveValues = MoveValues;

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

/**
 * Return (reason required: the tenant's reasons offered, free text allowed), assign to a person,
 * transfer to another pool.
 */
export function AccountMoveDialog({ kind, count = 1, excludeOwner, excludePool, onCancel, onSubmit }: Props) {
  const { t } = useI18n();
  const settings = useAccountSettings();
  const titles: Record<AccountMoveKind, string> = {
    return: t('accounts.action.return'),
    assign: t('accounts.action.assign'),
    transfer: t('accounts.action.transfer'),
  };

  return (
    <MoveDialogShell
      open={kind !== null}
      title={kind ? `${titles[kind]}${count > 1 ? ` · ${t('accounts.selectedCount', { count })}` : ''}` : ''}
      testId="account-move-modal"
      onCancel={onCancel}
      onSubmit={onSubmit}
    >
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
    </MoveDialogShell>
  );
}
