import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import {
  Alert,
  App,
  Button,
  Dropdown,
  Empty,
  Grid,
  Input,
  Popconfirm,
  Result,
  Select,
  Space,
  Spin,
  Table,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import {
  DeleteOutlined,
  DownloadOutlined,
  EditOutlined,
  PlusOutlined,
  RestOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { keys, useMe, useObjectMeta, useRecordList } from '../api/queries';
import { bulkRecords, exportUrl, type ListParams } from '../api/endpoints';
import { errorText } from '../api/error-text';
import type { ObjectMeta, RecordData, SavedView } from '../api/types';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import { NotFoundPage } from '../shell/not-found-page';
import { useDebounced } from '../shell/use-debounced';
import { useInView } from '../shell/use-in-view';
import { FilterBar } from './filter-bar';
import { ColumnPicker } from './column-picker';
import { SavedViews } from './saved-views';
import { BulkEditModal } from './bulk-edit-modal';
import { KanbanBoard } from './kanban-board';
import { FieldValueView } from './value-render';
import { useRenderContext } from './use-render-context';
import { expandableFields } from './field-values';
import { isSortable } from './filter-grammar';
import {
  initialState,
  kanbanField,
  stateFromSearch,
  stateFromView,
  stateToSearch,
  viewConfig,
  type ListState,
} from './list-state';

const PAGE_SIZE = 50;

function sortOrderOf(sort: string | undefined, field: string): 'ascend' | 'descend' | null {
  if (sort === field) return 'ascend';
  if (sort === `-${field}`) return 'descend';
  return null;
}

function ObjectList({ meta }: { meta: ObjectMeta }) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const me = useMe().data;
  const ctx = useRenderContext();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // Phones: a narrower pinned name column and icon-only secondary actions.
  const phone = Grid.useBreakpoint().md === false;
  // Filters, sort, columns, layout, search and the view live in the URL (reload, shared links).
  // React state is the source of truth (quick successive clicks must build on each other);
  // the URL mirrors it, and is read back when someone else changes it (back/forward, links).
  const [search, setSearch] = useSearchParams();
  const [{ state, viewId }, setList] = useState(() => stateFromSearch(meta, search));
  const latest = useRef({ state, viewId });
  // Every query string we wrote ourselves: under load the URL can lag behind two quick writes,
  // and an older one of ours arriving late must not be mistaken for someone else's change.
  const written = useRef(new Set([search.toString()]));
  const write = (next: ListState, view: string | null) => {
    latest.current = { state: next, viewId: view };
    setList(latest.current);
    const s = stateToSearch(meta, next, view);
    written.current.add(s.toString());
    if (written.current.size > 50) written.current = new Set([s.toString()]);
    setSearch(s, { replace: true });
  };
  const [selected, setSelected] = useState<RecordData[]>([]);
  const [bulkEditOpen, setBulkEditOpen] = useState(false);
  // The box is local (controlled inputs must not wait for a navigation); the URL follows it.
  const [qText, setQText] = useState(state.q);
  const q = useDebounced(qText.trim(), 300);
  useEffect(() => {
    if (q !== latest.current.state.q) update({ q });
  }, [q]);
  useEffect(() => {
    const s = search.toString();
    if (written.current.has(s)) return;
    written.current = new Set([s]);
    latest.current = stateFromSearch(meta, search);
    setList(latest.current);
    setQText(latest.current.state.q);
  }, [search, meta]);
  const objectLabel = pick(meta.plural_label);
  const canCreate = canDo(me, meta.api_name, 'create');
  const canUpdate = canDo(me, meta.api_name, 'update');
  const canDelete = canDo(me, meta.api_name, 'delete');
  const canExport = canDo(me, meta.api_name, 'export');

  const params: ListParams = useMemo(
    () => ({
      filter: state.filter.map(({ field, op, value }) => ({ field, op, value })),
      sort: state.sort,
      q: q || undefined,
      limit: PAGE_SIZE,
      expand: expandableFields(meta.fields, state.columns),
    }),
    [state.filter, state.sort, state.columns, q, meta.fields],
  );
  const board = kanbanField(meta, state.layout);
  const list = useRecordList(meta.api_name, params, !board);
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.data) ?? [], [list.data]);
  const total = list.data?.pages[0]?.total;
  const sentinel = useInView<HTMLDivElement>(() => {
    if (list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
  }, !!list.hasNextPage);
  const update = (patch: Partial<ListState>) =>
    write({ ...latest.current.state, ...patch }, latest.current.viewId);
  const selectFields = meta.fields.filter((f) => f.type === 'select');

  const columns: TableColumnsType<RecordData> = state.columns.flatMap((name) => {
    const field = meta.fields.find((f) => f.api_name === name);
    if (!field) return [];
    const isName = name === meta.name_field;
    return [
      {
        key: name,
        dataIndex: name,
        title: pick(field.label),
        sorter: isSortable(field),
        sortOrder: sortOrderOf(state.sort, name),
        sortDirections: ['ascend', 'descend'] as const,
        fixed: isName ? ('left' as const) : undefined,
        align: ['currency', 'number', 'percent'].includes(field.type) ? ('right' as const) : undefined,
        ellipsis: !isName && field.type !== 'multi_select',
        width: isName ? (phone ? 150 : 240) : undefined,
        render: (_: unknown, record: RecordData) =>
          isName ? (
            <a
              href={`/o/${meta.api_name}/${record.id}`}
              onClick={(e) => {
                e.preventDefault();
                navigate(`/o/${meta.api_name}/${record.id}`);
              }}
            >
              <FieldValueView field={field} record={record} ctx={ctx} />
            </a>
          ) : (
            <FieldValueView field={field} record={record} ctx={ctx} />
          ),
      },
    ];
  });

  const runBulk = async (body: Parameters<typeof bulkRecords>[1]): Promise<string | null> => {
    try {
      await bulkRecords(meta.api_name, body);
      await queryClient.invalidateQueries({ queryKey: keys.records(meta.api_name) });
      setSelected([]);
      return null;
    } catch (err) {
      return errorText(err, t);
    }
  };

  const bulkDelete = async () => {
    const count = selected.length;
    const problem = await runBulk({ action: 'delete', records: selected.map((r) => ({ id: r.id })) });
    if (problem) void message.error(problem);
    else void message.success(t('list.bulkDeleted', { count }));
  };

  const download = (format: 'csv' | 'xlsx') => {
    const a = document.createElement('a');
    a.href = exportUrl(meta.api_name, params, format);
    a.rel = 'noopener';
    document.body.appendChild(a);
    a.click();
    a.remove();
  };

  const applyView = (view: SavedView | null) => {
    setSelected([]);
    setQText('');
    write(view ? stateFromView(meta, view.config) : initialState(meta), view?.id ?? null);
  };

  const isFiltered = state.filter.length > 0 || q !== '';
  const emptyState = (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={
        <Space orientation="vertical" size={2}>
          <Typography.Text strong>
            {isFiltered
              ? t('list.emptyFiltered', { object: objectLabel })
              : t('list.emptyTitle', { object: objectLabel })}
          </Typography.Text>
          <Typography.Text type="secondary">
            {isFiltered
              ? t('list.emptyFilteredHint')
              : canCreate
                ? t('list.emptyHint')
                : t('list.emptyHintReadOnly')}
          </Typography.Text>
        </Space>
      }
    >
      {isFiltered ? (
        <Button
          onClick={() => {
            setQText('');
            update({ filter: [], q: '' });
          }}
        >
          {t('list.clearFilters')}
        </Button>
      ) : (
        canCreate && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(`/o/${meta.api_name}/new`)}>
            {t('common.create')}
          </Button>
        )
      )}
    </Empty>
  );

  return (
    <div>
      <div className="fw-page-header">
        <Space wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {objectLabel}
          </Typography.Title>
          {total !== undefined && !board && (
            <Typography.Text type="secondary" data-testid="list-total">
              {t('list.total', { count: total })}
            </Typography.Text>
          )}
        </Space>
        <Space wrap>
          <SavedViews
            object={meta.api_name}
            activeId={viewId}
            current={viewConfig(state)}
            onSelect={applyView}
          />
          {selectFields.length > 0 && (
            <Select
              aria-label={t('list.table')}
              data-testid="layout-select"
              value={state.layout}
              style={{ minWidth: 140 }}
              onChange={(layout: string) => update({ layout })}
              options={[
                { value: 'table', label: t('list.table') },
                ...selectFields.map((f) => ({
                  value: `kanban:${f.api_name}`,
                  label: t('list.kanban', { field: pick(f.label) }),
                })),
              ]}
            />
          )}
          <ColumnPicker meta={meta} columns={state.columns} onChange={(c) => update({ columns: c })} />
          {canExport && (
            <Dropdown
              menu={{
                items: [
                  { key: 'csv', label: t('list.exportCsv') },
                  { key: 'xlsx', label: t('list.exportXlsx') },
                ],
                onClick: ({ key }) => download(key === 'xlsx' ? 'xlsx' : 'csv'),
              }}
            >
              <Button icon={<DownloadOutlined />} aria-label={t('list.export')} title={t('list.export')}>
                {phone ? null : t('list.export')}
              </Button>
            </Dropdown>
          )}
          {canCreate && canDo(me, meta.api_name, 'import') && (
            <Button
              icon={<UploadOutlined />}
              data-testid="import-link"
              aria-label={t('list.import')}
              title={t('list.import')}
              onClick={() => navigate(`/o/${meta.api_name}/import`)}
            >
              {phone ? null : t('list.import')}
            </Button>
          )}
          {canDelete && (
            <Button
              icon={<RestOutlined />}
              data-testid="recycle-bin-link"
              aria-label={t('list.recycleBin')}
              title={t('list.recycleBin')}
              onClick={() => navigate(`/o/${meta.api_name}/recycle-bin`)}
            >
              {phone ? null : t('list.recycleBin')}
            </Button>
          )}
          {canCreate && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => navigate(`/o/${meta.api_name}/new`)}
            >
              {t('common.create')}
            </Button>
          )}
        </Space>
      </div>
      <Space orientation="vertical" style={{ width: '100%', marginBottom: 12 }} size={8}>
        <Input.Search
          allowClear
          value={qText}
          onChange={(e) => setQText(e.target.value)}
          placeholder={t('list.searchPlaceholder', { object: objectLabel })}
          style={{ maxWidth: phone ? undefined : 360 }}
        />
        <FilterBar meta={meta} filter={state.filter} onChange={(filter) => update({ filter })} />
        {selected.length > 0 && !board && (
          <Space wrap data-testid="bulk-bar">
            <Typography.Text>{t('list.selected', { count: selected.length })}</Typography.Text>
            {canUpdate && (
              <Button size="small" icon={<EditOutlined />} onClick={() => setBulkEditOpen(true)}>
                {t('list.bulkEdit')}
              </Button>
            )}
            {canDelete && (
              <Popconfirm
                title={t('list.bulkDeleteConfirm', { count: selected.length })}
                okText={t('common.delete')}
                cancelText={t('common.cancel')}
                okButtonProps={{ danger: true }}
                onConfirm={() => bulkDelete()}
              >
                <Button size="small" danger icon={<DeleteOutlined />}>
                  {t('list.bulkDelete')}
                </Button>
              </Popconfirm>
            )}
          </Space>
        )}
      </Space>
      {board ? (
        <KanbanBoard
          meta={meta}
          field={board}
          params={params}
          cardFields={state.columns}
          canMove={canUpdate && !board.read_only}
        />
      ) : list.error ? (
        <Alert type="error" showIcon title={errorText(list.error, t)} />
      ) : (
        <>
          <Table<RecordData>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={rows}
            loading={list.isLoading}
            pagination={false}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: list.isLoading ? <Spin /> : emptyState }}
            rowSelection={
              canUpdate || canDelete
                ? {
                    selectedRowKeys: selected.map((r) => r.id),
                    onChange: (_keys, recs) => setSelected(recs),
                  }
                : undefined
            }
            onChange={(_p, _f, sorter) => {
              const s = Array.isArray(sorter) ? sorter[0] : sorter;
              const field = typeof s?.columnKey === 'string' ? s.columnKey : undefined;
              const order = s?.order;
              update({ sort: field && order ? (order === 'descend' ? `-${field}` : field) : undefined });
            }}
          />
          {rows.length > 0 && (
            <div style={{ textAlign: 'center', marginTop: 12 }} ref={sentinel}>
              {list.hasNextPage ? (
                <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
                  {t('list.loadMore')} (
                  {t('list.loaded', { loaded: rows.length, count: total ?? rows.length })})
                </Button>
              ) : (
                <Typography.Text type="secondary">
                  {t('list.total', { count: total ?? rows.length })}
                </Typography.Text>
              )}
            </div>
          )}
        </>
      )}
      {bulkEditOpen && (
        <BulkEditModal
          meta={meta}
          records={selected}
          open={bulkEditOpen}
          onClose={() => setBulkEditOpen(false)}
          onSubmit={async (records) => {
            const count = records.length;
            const problem = await runBulk({ action: 'update', records });
            if (!problem) void message.success(t('list.bulkDone', { count }));
            return problem;
          }}
        />
      )}
    </div>
  );
}

export default function ListPage() {
  const { object = '' } = useParams();
  const { t } = useI18n();
  const { meta, isLoading } = useObjectMeta(object);
  if (isLoading) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (!meta) return object ? <Result status="403" subTitle={t('list.noPermission')} /> : <NotFoundPage />;
  return <ObjectList key={meta.api_name} meta={meta} />;
}
