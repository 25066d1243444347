import type { ReactNode } from 'react';
import { Drawer } from 'antd';

/**
 * The phone navigation: the sider's menu in a drawer from the left. Its own chunk, loaded only
 * on narrow screens, so the login route and desktops do not pay for it.
 */
export default function NavDrawer({
  open,
  onClose,
  children,
}: {
  open: boolean;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Drawer
      open={open}
      onClose={onClose}
      placement="left"
      size={248}
      closable={false}
      styles={{ body: { padding: 0, background: '#10213f' } }}
      data-testid="nav-drawer"
    >
      {children}
    </Drawer>
  );
}
