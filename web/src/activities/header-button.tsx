import { lazy, Suspense, useEffect, useState } from 'react';
import { Button, Grid, Tooltip } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMe } from '../api/queries';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';

// The dialog (form, date pickers, record picker) loads on first use, not with the shell.
const ActivityQuickAdd = lazy(() => import('./quick-add').then((m) => ({ default: m.ActivityQuickAdd })));

/** "+ 跟进" in the app header (and Alt+N anywhere): log a follow-up about any record. */
export function QuickAddHeaderButton() {
  const { t } = useI18n();
  const me = useMe().data;
  const allowed = canDo(me, 'activity', 'create');
  const [open, setOpen] = useState(false);
  const [loaded, setLoaded] = useState(false);
  // phones: the icon alone, so the header does not overflow at 390 px
  const phone = Grid.useBreakpoint().md === false;

  useEffect(() => {
    if (!allowed) return;
    const onKey = (e: KeyboardEvent) => {
      // e.code, not e.key: Alt+N types "˜" on macOS keyboards
      if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyN') {
        e.preventDefault();
        setLoaded(true);
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [allowed]);

  if (!allowed) return null;
  return (
    <>
      <Tooltip title={t('activities.header.hint')}>
        <Button
          type="primary"
          ghost
          icon={<PlusOutlined />}
          aria-keyshortcuts="Alt+N"
          aria-label={t('activities.header.hint')}
          onClick={() => {
            setLoaded(true);
            setOpen(true);
          }}
          data-testid="header-quick-add"
        >
          {phone ? null : t('activities.header.button')}
        </Button>
      </Tooltip>
      {loaded && (
        <Suspense fallback={null}>
          <ActivityQuickAdd open={open} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
