import { Avatar, Dropdown, Space, App } from 'antd';
import { GlobalOutlined, LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { logout, patchMe } from '../api/endpoints';
import { useMe } from '../api/queries';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n-context';
import type { Locale } from '../api/types';

const LANGUAGES: { value: Locale; label: string }[] = [
  { value: 'zh-CN', label: '简体中文' },
  { value: 'en-US', label: 'English' },
];

export function UserMenu() {
  const { t, locale, setLocale } = useI18n();
  const { message } = App.useApp();
  const me = useMe().data;
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  const switchLanguage = async (next: Locale) => {
    const previous = locale;
    setLocale(next);
    try {
      await patchMe({ locale: next });
      // Server texts (labels are local, messages are not) must be fetched again in the new language.
      await queryClient.invalidateQueries();
    } catch (err) {
      setLocale(previous);
      void message.error(errorText(err, t));
    }
  };

  const signOut = async () => {
    try {
      await logout();
    } finally {
      queryClient.clear();
      navigate('/login', { replace: true });
    }
  };

  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          { key: 'who', label: me?.user.email, disabled: true },
          { type: 'divider' },
          {
            key: 'language',
            icon: <GlobalOutlined />,
            label: t('shell.language'),
            children: LANGUAGES.map((l) => ({
              key: `lang:${l.value}`,
              label: l.value === locale ? `✓ ${l.label}` : l.label,
            })),
          },
          { key: 'logout', icon: <LogoutOutlined />, label: t('shell.logout'), danger: true },
        ],
        onClick: ({ key }) => {
          if (key === 'logout') void signOut();
          const lang = LANGUAGES.find((l) => key === `lang:${l.value}`);
          if (lang && lang.value !== locale) void switchLanguage(lang.value);
        },
      }}
    >
      <a
        role="button"
        data-testid="user-menu"
        onClick={(e) => e.preventDefault()}
        href="#"
        style={{ color: 'inherit' }}
      >
        <Space>
          <Avatar size="small" icon={<UserOutlined />} style={{ background: '#1f5fd6' }} />
          <span className="fw-user-name">{me?.user.name}</span>
        </Space>
      </a>
    </Dropdown>
  );
}
