import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Button, Grid, Layout, Menu, Spin } from 'antd';
import {
  AppstoreOutlined,
  MenuOutlined,
  SettingOutlined,
  TeamOutlined,
  ShoppingOutlined,
} from '@ant-design/icons';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useMe, useObjects } from '../api/queries';
import { useI18n } from '../i18n/i18n-context';
import { buildNav, NAV_GROUP_LABEL, selectedNavKey } from './nav-items';
import { GlobalSearch } from './global-search';
import { NotificationsBell } from './notifications-bell';
import { UserMenu } from './user-menu';
import { QuickAddHeaderButton } from '../activities/header-button';
import { ApprovalsNavLabel } from '../approvals/nav-badge';

const NavDrawer = lazy(() => import('./nav-drawer'));

const GROUP_ICON = {
  marketing: <AppstoreOutlined />,
  sales: <ShoppingOutlined />,
  cash: <AppstoreOutlined />,
  success: <TeamOutlined />,
  analytics: <AppstoreOutlined />,
  custom: <AppstoreOutlined />,
  settings: <SettingOutlined />,
};

export function AppShell() {
  const { t, pick } = useI18n();
  const me = useMe().data;
  const objects = useObjects();
  const location = useLocation();
  const navigate = useNavigate();
  // a new page starts at its top (the browser keeps the old page's scroll in a single-page app);
  // filters and tabs change only the query string and keep the reader where they are
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [location.pathname]);
  const [collapsed, setCollapsed] = useState(false);
  // Phones (< 768 px): no sider; the same menu opens in a drawer from a header button.
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const [drawerOpen, setDrawerOpen] = useState(false);
  // Groups start open; remembering the closed ones keeps groups that appear later (a new
  // custom object) open too.
  const [closedGroups, setClosedGroups] = useState<string[]>([]);

  const nav = useMemo(() => (me && objects.data ? buildNav(me, objects.data) : []), [me, objects.data]);
  const items = nav.map((g) => ({
    key: g.key,
    icon: GROUP_ICON[g.key],
    label: t(NAV_GROUP_LABEL[g.key]),
    children: g.items.map((i) => ({
      key: i.key,
      label: i.object ? (
        pick(i.object.plural_label)
      ) : i.path === '/approvals' ? (
        <ApprovalsNavLabel text={t('nav.approvals')} />
      ) : (
        t(i.label ?? 'nav.settingsHome')
      ),
    })),
  }));
  const selected = selectedNavKey(
    nav.flatMap((g) => g.items),
    location.pathname,
  );

  const menu = (inDrawer: boolean) =>
    objects.isLoading ? (
      <Spin style={{ display: 'block', margin: 24 }} />
    ) : (
      <Menu
        theme="dark"
        mode="inline"
        style={{ background: 'transparent' }}
        selectedKeys={selected ? [selected] : []}
        {...(collapsed && !inDrawer
          ? {}
          : {
              openKeys: nav.map((g) => g.key).filter((k) => !closedGroups.includes(k)),
              onOpenChange: (open: string[]) =>
                setClosedGroups(nav.map((g) => g.key).filter((k) => !open.includes(k))),
            })}
        items={items}
        onClick={({ key }) => {
          setDrawerOpen(false);
          navigate(key);
        }}
        data-testid="side-nav"
      />
    );
  const brand = (short: boolean) => (
    <div
      className="fw-brand"
      onClick={() => {
        setDrawerOpen(false);
        navigate('/');
      }}
      role="link"
      style={{ cursor: 'pointer' }}
    >
      {short ? 'FW' : t('app.name')}
    </div>
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {phone ? (
        <Suspense fallback={null}>
          <NavDrawer open={drawerOpen} onClose={() => setDrawerOpen(false)}>
            {brand(false)}
            {menu(true)}
          </NavDrawer>
        </Suspense>
      ) : (
        <Layout.Sider
          collapsible
          collapsed={collapsed}
          onCollapse={setCollapsed}
          breakpoint="lg"
          width={208}
          collapsedWidth={56}
          style={{ background: '#10213f' }}
        >
          {brand(collapsed)}
          {menu(false)}
        </Layout.Sider>
      )}
      <Layout style={{ minWidth: 0 }}>
        <Layout.Header className="fw-header">
          {phone && (
            <Button
              type="text"
              icon={<MenuOutlined />}
              aria-label={t('shell.menu')}
              data-testid="nav-toggle"
              onClick={() => setDrawerOpen(true)}
            />
          )}
          <GlobalSearch />
          <div className="fw-header-spacer" />
          <QuickAddHeaderButton />
          <NotificationsBell />
          <UserMenu />
        </Layout.Header>
        <Layout.Content className="fw-content">
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
