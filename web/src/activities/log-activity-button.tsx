import { useCallback, useState, type ReactNode } from 'react';
import { Button, type ButtonProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMe } from '../api/queries';
import type { RecordData } from '../api/types';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import type { ActivityTarget, ActivityType } from './activity-logic';
import type { RelatedObject } from './api';
import { ActivityQuickAdd } from './quick-add';

/**
 * The quick-add dialog as a hook: `open(target)` shows it for a record (or with a record picker
 * when no target is given); render `element` once somewhere in the component.
 */
export function useActivityQuickAdd(options?: {
  onLogged?: (activity: RecordData) => void | Promise<void>;
  defaultType?: ActivityType;
}): { open: (target?: ActivityTarget | null) => void; element: ReactNode; canLog: boolean } {
  const me = useMe().data;
  const [state, setState] = useState<{ open: boolean; target: ActivityTarget | null }>({
    open: false,
    target: null,
  });
  const open = useCallback(
    (target?: ActivityTarget | null) => setState({ open: true, target: target ?? null }),
    [],
  );
  const element = (
    <ActivityQuickAdd
      open={state.open}
      target={state.target}
      defaultType={options?.defaultType}
      onClose={() => setState((s) => ({ ...s, open: false }))}
      onLogged={options?.onLogged}
    />
  );
  return { open, element, canLog: canDo(me, 'activity', 'create') };
}

export interface LogActivityButtonProps {
  object: RelatedObject;
  id: string;
  /** The record's name: shown in the dialog title and prefilled into the subject. */
  name?: string | null;
  /** After the activity was saved (e.g. re-read the record: a lead's status moves). */
  onLogged?: (activity: RecordData) => void | Promise<void>;
  size?: ButtonProps['size'];
  type?: ButtonProps['type'];
}

/** "Log follow-up" for one record; hidden for users who may not create activities. */
export function LogActivityButton({
  object,
  id,
  name,
  onLogged,
  size,
  type = 'primary',
}: LogActivityButtonProps) {
  const { t } = useI18n();
  const quick = useActivityQuickAdd({ onLogged });
  if (!quick.canLog) return null;
  return (
    <>
      <Button
        type={type}
        size={size}
        icon={<PlusOutlined />}
        onClick={() => quick.open({ object, id, name })}
        data-testid="log-activity"
      >
        {t('activities.log.button')}
      </Button>
      {quick.element}
    </>
  );
}
