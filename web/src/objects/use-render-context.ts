import { useMemo } from 'react';
import { useI18n } from '../i18n/i18n-context';
import { useMe } from '../api/queries';
import type { RenderContext } from './value-render';

export function useRenderContext(): RenderContext {
  const { locale, pick, t } = useI18n();
  const timeZone = useMe().data?.tenant.time_zone ?? 'Asia/Shanghai';
  return useMemo(
    () => ({ locale, pick, timeZone, yes: t('common.yes'), no: t('common.no') }),
    [locale, pick, timeZone, t],
  );
}
