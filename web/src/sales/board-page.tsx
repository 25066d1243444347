import { useMemo, useState, type DragEvent } from 'react';
import {
  Alert,
  Button,
  Dropdown,
  Empty,
  Segmented,
  Select,
  Skeleton,
  Space,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { MoreOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { canDo } from '../auth/permissions';
import { formatDate } from '../format/date';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import { fetchBoard, salesKeys, usePipelines, type KanbanCard, type KanbanColumn } from './api';
import {
  closeDatePassed,
  columnTotals,
  DWELL_COLOR,
  dwellTone,
  ownerScopeOptions,
  splitColumns,
  todayIn,
  totalsText,
  type OwnerScope,
} from './board-logic';
import { StageDialog, type StageDialogTarget } from './stage-dialog';
import './board.css';
import { liveSearch } from '../objects/live-search';

const DRAG_TYPE = 'application/x-flywheel-opportunity';

interface DragPayload {
  id: string;
  name: string;
  stage: string;
}

function ColumnHeader({
  column,
  currency,
  narrow,
}: {
  column: KanbanColumn;
  currency: string;
  narrow?: boolean;
}) {
  const { t, pick, locale } = useI18n();
  const lines = totalsText(columnTotals(column, currency), locale);
  return (
    <div className="fw-board-col-head" data-testid={`board-head-${column.key}`}>
      <Space size={4} wrap>
        <Typography.Text strong>{pick(column.name)}</Typography.Text>
        <Tag data-testid={`board-count-${column.key}`}>{t('sales.board.count', { count: column.count })}</Tag>
        {!narrow && column.type === 'active' && (
          <Typography.Text type="secondary">{column.probability}%</Typography.Text>
        )}
      </Space>
      {lines.map((l) => (
        <div key={l.currency} style={{ fontSize: 12 }}>
          <span data-testid={`board-amount-${column.key}-${l.currency}`}>{l.amount}</span>
          {!narrow && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {' · '}
              {t('sales.board.weighted')}{' '}
              <span data-testid={`board-weighted-${column.key}-${l.currency}`}>{l.weighted}</span>
            </Typography.Text>
          )}
        </div>
      ))}
    </div>
  );
}

function Card({
  card,
  column,
  today,
  onMove,
}: {
  card: KanbanCard;
  column: KanbanColumn;
  today: string;
  onMove: () => void;
}) {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const tone = dwellTone(card.days_in_stage, column.max_days);
  const passed = column.type === 'active' && closeDatePassed(card.close_date, today);
  const onDragStart = (e: DragEvent) => {
    const payload: DragPayload = { id: card.id, name: card.name, stage: column.key };
    e.dataTransfer.setData(DRAG_TYPE, JSON.stringify(payload));
    e.dataTransfer.setData('text/plain', card.name);
    e.dataTransfer.effectAllowed = 'move';
  };
  return (
    <div
      className="fw-board-card"
      draggable
      onDragStart={onDragStart}
      data-testid="board-card"
      data-id={card.id}
    >
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 4 }}>
        <Link to={`/o/opportunity/${card.id}`} style={{ fontWeight: 500, wordBreak: 'break-word' }}>
          {card.name}
        </Link>
        <Dropdown
          trigger={['click']}
          menu={{
            items: [
              { key: 'move', label: t('sales.board.moveTo') },
              { key: 'open', label: t('sales.board.open') },
            ],
            onClick: ({ key }) => (key === 'move' ? onMove() : navigate(`/o/opportunity/${card.id}`)),
          }}
        >
          <Button
            size="small"
            type="text"
            icon={<MoreOutlined />}
            aria-label={t('sales.board.cardMenu', { name: card.name })}
          />
        </Dropdown>
      </div>
      {card.account_name && (
        <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
          {card.account_name}
        </Typography.Text>
      )}
      <div
        style={{
          display: 'flex',
          flexWrap: 'wrap',
          gap: 6,
          alignItems: 'center',
          marginTop: 4,
          fontSize: 12,
        }}
      >
        {card.amount && <span>{formatMoney(card.amount, locale)}</span>}
        {card.close_date && (
          <Tooltip title={passed ? t('sales.board.closePassed') : undefined}>
            <span style={passed ? { color: '#cf1322' } : undefined} data-past={passed ? 'true' : undefined}>
              {formatDate(card.close_date, locale)}
            </span>
          </Tooltip>
        )}
      </div>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginTop: 4 }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {card.owner_name ?? t('sales.board.noOwner')}
        </Typography.Text>
        {column.type === 'active' && (
          <Tooltip
            title={
              column.max_days === null
                ? t('sales.board.daysHintNoMax', { days: card.days_in_stage })
                : t('sales.board.daysHint', { days: card.days_in_stage, max: column.max_days })
            }
          >
            <Tag
              color={DWELL_COLOR[tone]}
              data-testid="dwell-badge"
              data-tone={tone}
              style={{ marginInlineEnd: 0 }}
            >
              {t('sales.board.days', { days: card.days_in_stage })}
            </Tag>
          </Tooltip>
        )}
      </div>
    </div>
  );
}

/** 商机看板: one column per stage of a pipeline, cards moved by drag or by the card menu. */
export default function BoardPage() {
  const { t, pick } = useI18n();
  const me = useMe().data;
  const [params, setParams] = useSearchParams();
  const pipelines = usePipelines();
  const scopes = me
    ? ownerScopeOptions(me.role.is_admin, me.role.permissions.objects.opportunity?.scope)
    : [];
  const owner: OwnerScope =
    (params.get('owner') as OwnerScope | null) ?? (scopes.some((s) => s.value === 'all') ? 'all' : 'me');
  const pipelineId =
    params.get('pipeline') ??
    pipelines.data?.find((p) => p.is_default)?.id ??
    pipelines.data?.[0]?.id ??
    null;
  const pipeline = pipelines.data?.find((p) => p.id === pipelineId);
  const ownerId = owner === 'me' ? (me?.user.id ?? null) : null;
  const board = useQuery({
    queryKey: salesKeys.board(pipelineId, ownerId),
    queryFn: () => fetchBoard(pipelineId, ownerId),
    enabled: !!pipelineId && !!me,
  });
  const [dialog, setDialog] = useState<StageDialogTarget | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const today = useMemo(() => todayIn(me?.tenant.time_zone ?? 'Asia/Shanghai'), [me]);
  const currency = me?.tenant.currency ?? 'CNY';
  const setParam = (k: string, v: string) => {
    const next = liveSearch();
    next.set(k, v);
    setParams(next, { replace: true });
  };

  const dropProps = (column: KanbanColumn) => ({
    onDragOver: (e: DragEvent) => {
      if (!e.dataTransfer.types.includes(DRAG_TYPE)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
      if (over !== column.key) setOver(column.key);
    },
    onDragLeave: () => setOver((o) => (o === column.key ? null : o)),
    onDrop: (e: DragEvent) => {
      setOver(null);
      const raw = e.dataTransfer.getData(DRAG_TYPE);
      if (!raw) return;
      e.preventDefault();
      const p = JSON.parse(raw) as DragPayload;
      if (p.stage === column.key) return;
      setDialog({ id: p.id, name: p.name, stage: p.stage, to: column.key });
    },
  });

  const header = (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: 12, alignItems: 'center', marginBottom: 12 }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('sales.board.title')}
      </Typography.Title>
      <Select
        aria-label={t('sales.board.pipeline')}
        style={{ minWidth: 160 }}
        loading={pipelines.isLoading}
        value={pipelineId ?? undefined}
        onChange={(v: string) => setParam('pipeline', v)}
        options={(pipelines.data ?? []).map((p) => ({ value: p.id, label: pick(p.name) }))}
      />
      {scopes.length > 1 && (
        <Segmented
          aria-label={t('sales.board.owner')}
          value={owner}
          onChange={(v) => setParam('owner', String(v))}
          options={scopes.map((s) => ({ value: s.value, label: t(`sales.board.owner.${s.label}`) }))}
        />
      )}
      {canDo(me, 'opportunity', 'create') && (
        <Link to="/o/opportunity/new">
          <Button type="primary" icon={<PlusOutlined />}>
            {t('sales.board.new')}
          </Button>
        </Link>
      )}
    </div>
  );

  const error = pipelines.error ?? board.error;
  if (error)
    return (
      <div>
        {header}
        <Alert type="error" showIcon title={errorText(error, t)} />
      </div>
    );
  if (!board.data || !pipeline)
    return (
      <div>
        {header}
        <Skeleton active />
      </div>
    );
  const { active, closed } = splitColumns(board.data.columns);
  const total = board.data.columns.reduce((n, c) => n + c.count, 0);

  return (
    <div>
      {header}
      {total === 0 ? (
        <Empty description={t('sales.board.empty')} />
      ) : (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
          {t('sales.board.dropHint')}
        </Typography.Paragraph>
      )}
      <div className="fw-kanban" data-testid="pipeline-board">
        {active.map((column) => (
          <section
            key={column.key}
            className={`fw-kanban-col${over === column.key ? ' fw-drop-target' : ''}`}
            data-testid={`board-col-${column.key}`}
            aria-label={pick(column.name)}
            {...dropProps(column)}
          >
            <ColumnHeader column={column} currency={currency} />
            <div className="fw-board-cards">
              {column.cards.map((card) => (
                <Card
                  key={card.id}
                  card={card}
                  column={column}
                  today={today}
                  onMove={() => setDialog({ id: card.id, name: card.name, stage: column.key, to: null })}
                />
              ))}
              {column.cards.length === 0 && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('sales.board.emptyColumn')}
                </Typography.Text>
              )}
              {column.count > column.cards.length && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('sales.board.more', { count: column.count - column.cards.length })}
                </Typography.Text>
              )}
            </div>
          </section>
        ))}
        <div className="fw-board-closed">
          {closed.map((column) => (
            <section
              key={column.key}
              className={`fw-kanban-col fw-board-col-narrow fw-board-${column.type}${over === column.key ? ' fw-drop-target' : ''}`}
              data-testid={`board-col-${column.key}`}
              aria-label={pick(column.name)}
              {...dropProps(column)}
            >
              <ColumnHeader column={column} currency={currency} narrow />
            </section>
          ))}
        </div>
      </div>
      <StageDialog
        target={dialog}
        stages={pipeline.stages}
        onClose={() => setDialog(null)}
        onMoved={() => board.refetch().then(() => undefined)}
      />
    </div>
  );
}
