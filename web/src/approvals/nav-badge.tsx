import { Badge, Space } from 'antd';
import { useInbox } from './api';

/** The nav entry of the approvals inbox with my pending count (polled by the inbox query). */
export function ApprovalsNavLabel({ text }: { text: string }) {
  const count = useInbox().data?.length ?? 0;
  return (
    <Space size={6} data-testid="nav-approvals">
      <span>{text}</span>
      {count > 0 && <Badge count={count} size="small" data-testid="approvals-badge" />}
    </Space>
  );
}
