import { Badge, Button, Empty, Popover, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { keys, useMe, useNotifications } from '../api/queries';
import { markNotificationRead } from '../api/endpoints';
import { useI18n } from '../i18n/i18n-context';
import { formatDateTime } from '../format/date';

export function NotificationsBell() {
  const { t, locale } = useI18n();
  const tz = useMe().data?.tenant.time_zone ?? 'Asia/Shanghai';
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const list = useNotifications();
  const mark = useMutation({
    mutationFn: markNotificationRead,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: keys.notifications }),
  });
  const items = list.data?.data ?? [];
  const unread = list.data?.unread ?? 0;

  const content = (
    <div style={{ width: 340, maxHeight: 420, overflowY: 'auto' }}>
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('shell.noNotifications')} />
      ) : (
        items.map((n) => (
          <button
            type="button"
            key={n.id}
            className="fw-notification"
            style={{ background: n.read_at ? undefined : '#f0f5ff' }}
            onClick={() => {
              if (!n.read_at) mark.mutate(n.id);
              if (n.link?.startsWith('/')) navigate(n.link);
            }}
          >
            <Typography.Text strong={!n.read_at}>{n.title}</Typography.Text>
            {n.body && <div>{n.body}</div>}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatDateTime(n.created_at, tz, locale)}
            </Typography.Text>
          </button>
        ))
      )}
    </div>
  );

  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      title={
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <span>{t('shell.notifications')}</span>
          {unread > 0 && (
            <Button type="link" size="small" onClick={() => mark.mutate('all')}>
              {t('shell.markAllRead')}
            </Button>
          )}
        </div>
      }
      content={content}
    >
      <Badge count={unread} size="small" offset={[-2, 4]}>
        <Button type="text" icon={<BellOutlined />} aria-label={t('shell.notifications')} />
      </Badge>
    </Popover>
  );
}
