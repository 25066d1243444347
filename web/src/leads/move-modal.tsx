import { Form, Input, Select } from 'antd';
import { useI18n } from '../i18n/i18n-context';
import { MoveDialogShell, type MoveValues } from '../pools/move-dialog-shell';
import { useLeadSettings } from './leads-api';
import { PoolSelect, UserSelect } from './pickers';

export type MoveKind = 'assign' | 'return' | 'transfer' | 'invalidate' | 'void' | 'revive';

export type { MoveValues };

interface Props {
  kind: MoveKind | null;
  /** How many leads the move applies to (bulk on the pools page). */
  count?: number;
  excludeOwner?: string | null;
  excludePool?: string | null;
  onCancel: () => void;
  /** Throws the server error to show it on the fields; resolves when done. */
  onSubmit: (v: MoveValues) => Promise<void>;
}

/** One dialog for the four pool moves that need input: assign, give back, transfer, invalidate. */
export function MoveModal({ kind, count = 1, excludeOwner, excludePool, onCancel, onSubmit }: Props) {
  const { t } = useI18n();
  const settings = useLeadSettings();

  const titles: Record<MoveKind, string> = {
    assign: t('leads.action.assign'),
    return: t('leads.action.return'),
    transfer: t('leads.action.transfer'),
    invalidate: t('leads.action.invalidate'),
    void: t('leads.action.void'),
    revive: t('leads.action.revive'),
  };

  return (
    <MoveDialogShell
      open={kind !== null}
      title={kind ? `${titles[kind]}${count > 1 ? ` · ${t('leads.selectedCount', { count })}` : ''}` : ''}
      testId="move-modal"
      onCancel={onCancel}
      onSubmit={onSubmit}
    >
      {kind === 'assign' && (
        <Form.Item
          name="owner_id"
          label={t('leads.field.assignee')}
          rules={[{ required: true, message: t('leads.required.assignee') }]}
        >
          <UserSelect autoFocus exclude={excludeOwner ? [excludeOwner] : []} />
        </Form.Item>
      )}
      {kind === 'transfer' && (
        <Form.Item
          name="pool_id"
          label={t('leads.field.targetPool')}
          rules={[{ required: true, message: t('leads.required.pool') }]}
        >
          <PoolSelect autoFocus exclude={excludePool ? [excludePool] : []} />
        </Form.Item>
      )}
      {kind === 'invalidate' && (
        <Form.Item
          name="reason"
          label={t('leads.field.invalidReason')}
          rules={[{ required: true, message: t('leads.required.reason') }]}
        >
          <Select
            autoFocus
            loading={settings.isLoading}
            placeholder={t('leads.pickReason')}
            options={(settings.data?.invalidReasons ?? []).map((r) => ({ value: r, label: r }))}
            data-testid="invalid-reason-select"
          />
        </Form.Item>
      )}
      {kind !== 'invalidate' && kind !== null && (
        <Form.Item
          name="reason"
          label={kind === 'return' ? t('leads.field.returnReason') : t('leads.field.note')}
          rules={
            kind === 'return'
              ? [{ required: true, whitespace: true, message: t('leads.required.reason') }]
              : []
          }
        >
          <Input
            autoFocus={kind === 'return'}
            maxLength={500}
            placeholder={kind === 'return' ? t('leads.returnHint') : t('leads.noteHint')}
          />
        </Form.Item>
      )}
    </MoveDialogShell>
  );
}
