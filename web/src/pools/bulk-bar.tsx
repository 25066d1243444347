import type { ReactNode } from 'react';
import { Alert, Button, Progress, Space, Typography } from 'antd';

interface BarProps {
  canClaim: boolean;
  poolAdmin: boolean;
  selectedCount: number;
  running: { done: number; total: number } | null;
  onClaim: () => void;
  onAssign: () => void;
  onTransfer: () => void;
  labels: { claim: string; assign: string; transfer: string; selected: string; total: string };
  /** Test ids: `${prefix}bulk-claim`, `${prefix}pool-total`, `${prefix}bulk-progress`, … */
  testIdPrefix: string;
}

/** A pool page's bulk actions on the selected rows, the pool's total and the running progress. */
export function PoolBulkBar({
  canClaim,
  poolAdmin,
  selectedCount,
  running,
  onClaim,
  onAssign,
  onTransfer,
  labels,
  testIdPrefix: p,
}: BarProps) {
  const disabled = !selectedCount || !!running;
  return (
    <>
      <div className="fw-page-header">
        <Space wrap>
          {canClaim && (
            <Button type="primary" disabled={disabled} onClick={onClaim} data-testid={`${p}bulk-claim`}>
              {labels.claim}
            </Button>
          )}
          {poolAdmin && (
            <Button disabled={disabled} onClick={onAssign} data-testid={`${p}bulk-assign`}>
              {labels.assign}
            </Button>
          )}
          {poolAdmin && (
            <Button disabled={disabled} onClick={onTransfer} data-testid={`${p}bulk-transfer`}>
              {labels.transfer}
            </Button>
          )}
          {selectedCount > 0 && <Typography.Text type="secondary">{labels.selected}</Typography.Text>}
        </Space>
        <Typography.Text type="secondary" data-testid={`${p}pool-total`}>
          {labels.total}
        </Typography.Text>
      </div>
      {running && (
        <Progress
          percent={Math.round((running.done / Math.max(running.total, 1)) * 100)}
          format={() => `${running.done}/${running.total}`}
          data-testid={`${p}bulk-progress`}
        />
      )}
    </>
  );
}

/** The closable outcome of a bulk run: green when all went through, red when none did. */
export function BulkSummaryAlert({
  ok,
  failed,
  title,
  description,
  onClose,
  testId,
}: {
  ok: number;
  failed: number;
  title: string;
  description?: ReactNode;
  onClose: () => void;
  testId: string;
}) {
  return (
    <Alert
      type={failed === 0 ? 'success' : ok === 0 ? 'error' : 'warning'}
      showIcon
      title={title}
      description={description}
      closable={{ onClose }}
      style={{ marginBottom: 12 }}
      role="alert"
      data-testid={testId}
    />
  );
}
