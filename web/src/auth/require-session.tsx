import { useEffect, useRef, type ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { Button, Result, Spin } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useMe, keys } from '../api/queries';
import { ApiError, setSessionEndedHandler } from '../api/http-client';
import { useI18n } from '../i18n/i18n-context';
import { errorText } from '../api/error-text';
import { loginPath } from './login-redirect';

/**
 * Gate for every signed-in page. Any 401 from the API (an ended session) sends the user to
 * the login page with the current path, so they come back to the same place afterwards.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { t, locale, setLocale } = useI18n();
  const here = location.pathname + location.search;
  const hereRef = useRef(here);
  hereRef.current = here;
  const syncedLocale = useRef(false);

  useEffect(() => {
    // Several requests in flight all answer 401 at once; only the first one redirects.
    let redirected = false;
    setSessionEndedHandler(() => {
      if (redirected) return;
      redirected = true;
      const hadSession = queryClient.getQueryData(keys.me) !== undefined;
      queryClient.clear();
      navigate(loginPath(hereRef.current, hadSession), { replace: true });
    });
    return () => setSessionEndedHandler(null);
  }, [navigate, queryClient]);

  // The user's saved language wins over the browser's last choice, once per sign-in.
  useEffect(() => {
    if (me.data && !syncedLocale.current) {
      syncedLocale.current = true;
      // me.locale follows our Accept-Language; the saved preference is on the user (or tenant).
      const preferred = me.data.user.locale ?? me.data.tenant.locale;
      if (preferred !== locale) setLocale(preferred);
    }
  }, [me.data, locale, setLocale]);

  if (me.isLoading) return <Spin size="large" style={{ display: 'block', margin: '120px auto' }} />;
  if (me.error instanceof ApiError && me.error.status === 401)
    return <Navigate to={loginPath(here, false)} replace />;
  if (me.error || !me.data) {
    return (
      <Result
        status="error"
        title={errorText(me.error, t)}
        extra={<Button onClick={() => void me.refetch()}>{t('common.retry')}</Button>}
      />
    );
  }
  return <>{children}</>;
}
