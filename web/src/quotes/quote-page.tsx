import { Suspense, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import {
  Alert,
  App,
  Breadcrumb,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Descriptions,
  Empty,
  Input,
  InputNumber,
  Modal,
  Result,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import { DeleteOutlined, FilePdfOutlined, PlusOutlined, WarningOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { getRecord, updateRecord } from '../api/endpoints';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useMe, useObjectMeta, useRecord } from '../api/queries';
import { GENERIC_PANELS } from '../objects/record-panels';
import { canDo } from '../auth/permissions';
import { formatMoney } from '../format/money';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { useDebounced } from '../shell/use-debounced';
import { searchProducts } from '../cash/api';
import type { LineProduct } from '../cash/order-logic';
import {
  acceptQuote,
  calculatePricing,
  createQuote,
  fetchQuote,
  fetchQuoteVersions,
  newQuoteVersion,
  quoteKeys,
  quotePdfUrl,
  replaceQuoteLines,
  sendQuote,
  submitQuote,
  type PricingResult,
  type QuoteAcceptRequest,
  type QuoteLine,
  type QuoteWithLines,
} from './api';
import {
  editable,
  isLargeDiscount,
  isQuoteStatus,
  LARGE_DISCOUNT,
  newQuoteLine,
  opportunityCrumb,
  quoteActions,
  quoteLinesPayload,
  type QuoteLineDraft,
  type QuoteStatus,
} from './quote-logic';

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
type Lang = 'zh-CN' | 'en-US';

type PricingTotals = PricingResult['totals'];
type TotalsView = Pick<
  PricingTotals,
  | 'list_total'
  | 'subtotal'
  | 'discount_total'
  | 'net_total'
  | 'tax_total'
  | 'grand_total'
  | 'cost_total'
  | 'cost_complete'
  | 'margin_percent'
  | 'max_line_discount'
>;
type LineFacts = Pick<
  PricingResult['lines'][number],
  'line_index' | 'list_price' | 'price_source' | 'price_list_name' | 'amount' | 'tax_amount'
>;

const minor = (v: unknown): number =>
  typeof v === 'object' && v !== null && 'amount' in v && typeof v.amount === 'number' ? v.amount : 0;

/** The totals the quote was saved with (record fields), for versions past draft. */
function storedTotals(q: QuoteWithLines | null): TotalsView | undefined {
  if (!q) return undefined;
  return {
    list_total: minor(q.list_total),
    subtotal: minor(q.subtotal),
    discount_total: minor(q.discount_total),
    net_total: minor(q.net_total),
    tax_total: minor(q.tax_total),
    grand_total: minor(q.grand_total),
    cost_total: minor(q.cost_total),
    cost_complete: true,
    margin_percent: num(q.margin_percent),
    max_line_discount: num(q.max_line_discount) ?? 0,
  };
}

function draftOf(l: QuoteLine): QuoteLineDraft {
  return {
    ...newQuoteLine(),
    product: {
      id: l.product_id,
      sku: l.sku,
      name: l.product_name,
      type: l.product_type,
      unit: l.unit,
      listPrice: null,
    },
    quantity: String(l.quantity),
    discount: l.discount ? String(l.discount) : '',
    serviceStart: l.service_start,
    serviceEnd: l.service_end,
    options: l.options,
  };
}

/** Product picker of one line: searches active products by name or SKU. */
function ProductPicker({
  value,
  onPick,
  disabled,
}: {
  value: LineProduct | null;
  onPick: (p: LineProduct) => void;
  disabled: boolean;
}) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const debounced = useDebounced(q, 250);
  const found = useQuery({
    queryKey: ['records', 'product', 'quote-picker', debounced],
    queryFn: () => searchProducts(debounced),
    placeholderData: keepPreviousData,
    enabled: !disabled,
  });
  const list = found.data ?? [];
  const options = (value && !list.some((p) => p.id === value.id) ? [value, ...list] : list).map((p) => ({
    value: p.id,
    label: `${p.sku} · ${p.name}`,
  }));
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      style={{ minWidth: 220 }}
      placeholder={t('quotes.searchProduct')}
      value={value?.id}
      options={options}
      loading={found.isFetching}
      disabled={disabled}
      data-testid="quote-product"
      onChange={(id: string) => {
        const p = [...list, ...(value ? [value] : [])].find((x) => x.id === id);
        if (p) onPick(p);
      }}
    />
  );
}

export default function QuotePage() {
  const { id } = useParams();
  return id ? <ExistingQuote id={id} /> : <NewQuote />;
}

function NewQuote() {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const oppId = params.get('opportunity_id');
  const opp = useQuery({
    queryKey: ['records', 'opportunity', oppId ?? ''],
    queryFn: () => getRecord('opportunity', oppId ?? '', ['account_id']),
    enabled: Boolean(oppId),
  });
  if (!oppId)
    return (
      <Result
        status="info"
        data-testid="quote-needs-opportunity"
        title={t('quotes.noOpportunity')}
        subTitle={t('quotes.noOpportunityHint')}
        extra={
          <Link to="/o/opportunity">
            <Button type="primary">{t('quotes.goOpportunities')}</Button>
          </Link>
        }
      />
    );
  if (opp.isLoading) return <Spin style={{ display: 'block', margin: '80px auto' }} />;
  if (!opp.data) return <Result status="warning" title={errorText(opp.error, t)} />;
  const rec = opp.data;
  return (
    <QuoteEditor
      quote={null}
      opportunityId={oppId}
      opportunityName={str(rec.name) ?? oppId}
      accountId={str(rec.account_id)}
    />
  );
}

/**
 * The quote as a generic record with its opportunity's name (the quotes API answers with ids
 * only). One expand list for every reader of this cache entry: the key does not include it.
 */
const useQuoteRecord = (id: string) => useRecord('quote', id, ['opportunity_id']);

function ExistingQuote({ id }: { id: string }) {
  const { t } = useI18n();
  const q = useQuery({ queryKey: quoteKeys.quote(id), queryFn: () => fetchQuote(id) });
  const named = useQuoteRecord(id);
  if (q.isLoading) return <Spin style={{ display: 'block', margin: '80px auto' }} />;
  if (!q.data)
    return (
      <Result
        status="404"
        title={t('quotes.notFound')}
        subTitle={q.error ? errorText(q.error, t) : undefined}
        extra={<Link to="/o/quote">{t('nav.quotes')}</Link>}
      />
    );
  const quote = q.data;
  const oppId = str(quote.opportunity_id) ?? '';
  const oppName = opportunityCrumb(named.data?._expand?.opportunity_id, named.isLoading);
  return (
    <QuoteEditor
      key={`${quote.id}:${quote.version}`}
      quote={quote}
      opportunityId={oppId}
      opportunityName={oppName === undefined ? t('quotes.opportunity') : oppName}
      accountId={str(quote.account_id)}
    />
  );
}

function QuoteEditor({
  quote,
  opportunityId,
  opportunityName,
  accountId,
}: {
  quote: QuoteWithLines | null;
  opportunityId: string;
  opportunityName: string;
  accountId: string | null;
}) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const me = useMe().data;
  const status: QuoteStatus | null = quote && isQuoteStatus(quote.status) ? quote.status : null;
  const canEdit = editable(status) && canDo(me, 'quote', quote ? 'update' : 'create');
  const actions = quoteActions(status);

  const [lines, setLines] = useState<QuoteLineDraft[]>(() =>
    quote ? quote.lines.filter((l) => l.parent_line_id === null).map(draftOf) : [newQuoteLine()],
  );
  const [headerDiscount, setHeaderDiscount] = useState<string>(
    quote && num(quote.header_discount) ? String(quote.header_discount) : '',
  );
  const [name, setName] = useState<string>(str(quote?.name) ?? '');
  const [validUntil, setValidUntil] = useState<string | null>(str(quote?.valid_until));
  const [language, setLanguage] = useState<Lang>(quote?.language === 'en-US' ? 'en-US' : locale);
  const [busy, setBusy] = useState(false);
  const [saveError, setSaveError] = useState<ApiError | null>(null);
  const [acceptOpen, setAcceptOpen] = useState(false);

  // a quote past draft shows its stored prices: today's price lists may differ from what was quoted
  const frozen = quote !== null && !editable(status);
  const payload = useMemo(() => quoteLinesPayload(lines), [lines]);
  const pricingBody = useDebounced(
    useMemo(
      () => ({ accountId, headerDiscount: headerDiscount.trim() || undefined, lines: payload }),
      [accountId, headerDiscount, payload],
    ),
    400,
  );
  const pricing = useQuery({
    queryKey: ['pricing', 'quote-trial', pricingBody],
    queryFn: () =>
      calculatePricing({
        account_id: pricingBody.accountId ?? '',
        currency: str(quote?.currency) ?? undefined,
        header_discount: pricingBody.headerDiscount,
        lines: pricingBody.lines,
      }),
    enabled: !frozen && Boolean(pricingBody.accountId) && pricingBody.lines.length > 0,
    placeholderData: keepPreviousData,
    retry: false,
  });
  const priced: LineFacts[] = frozen
    ? (quote?.lines ?? [])
        .filter((l) => l.parent_line_id === null)
        .map((l, i) => ({
          line_index: i,
          list_price: l.list_price,
          price_source: l.price_source,
          price_list_name: null,
          amount: l.amount,
          tax_amount: l.tax,
        }))
    : (pricing.data?.lines.filter((l) => l.parent_position === null) ?? []);
  const totals: TotalsView | undefined = frozen
    ? storedTotals(quote)
    : payload.length > 0
      ? pricing.data?.totals
      : undefined;
  const calcError = pricing.error instanceof ApiError ? pricing.error : null;
  // the payload skips lines without a product, so the n-th priced line is the n-th line with one
  const pricedOf = (key: string) => {
    const idx = lines.filter((l) => l.product).findIndex((l) => l.key === key);
    return idx >= 0 ? priced.find((p) => p.line_index === idx) : undefined;
  };
  const money = (amount: number | null | undefined) =>
    amount === null || amount === undefined
      ? '—'
      : formatMoney({ amount, currency: pricing.data?.currency ?? str(quote?.currency) ?? 'CNY' }, locale);

  const patch = (key: string, p: Partial<QuoteLineDraft>) =>
    setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...p } : l)));

  const refresh = async (id: string) => {
    await qc.invalidateQueries({ queryKey: ['records', 'quote'] });
    await qc.invalidateQueries({ queryKey: quoteKeys.quote(id) });
  };

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setSaveError(null);
    try {
      await fn();
    } catch (e) {
      if (e instanceof ApiError) setSaveError(e);
      message.error(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };

  const save = () =>
    run(async () => {
      if (!quote) {
        const created = await createQuote({
          opportunity_id: opportunityId,
          name: name.trim() || null,
          valid_until: validUntil,
          header_discount: headerDiscount.trim() || null,
          language,
          lines: payload,
        });
        message.success(t('quotes.savedToast'));
        await qc.invalidateQueries({ queryKey: ['records', 'quote'] });
        navigate(`/cash/quotes/${encodeURIComponent(created.id)}`, { replace: true });
        return;
      }
      // header fields go through the generic record update; lines and totals through PUT lines
      await updateRecord('quote', quote.id, { name: name.trim() || null, valid_until: validUntil, language });
      await replaceQuoteLines(quote.id, { header_discount: headerDiscount.trim() || null, lines: payload });
      message.success(t('quotes.savedToast'));
      await refresh(quote.id);
    });

  const submit = (q: QuoteWithLines) =>
    run(async () => {
      // what is on screen is what gets approved: unsaved edits are saved first
      await updateRecord('quote', q.id, { name: name.trim() || null, valid_until: validUntil, language });
      const saved = await replaceQuoteLines(q.id, {
        header_discount: headerDiscount.trim() || null,
        lines: payload,
      });
      const r = await submitQuote(q.id, saved.version);
      if (r.submit_route === 'approval') message.info(t('quotes.submittedApproval'));
      else message.success(t('quotes.submittedAuto'));
      await refresh(q.id);
    });
  const send = (q: QuoteWithLines) =>
    run(async () => {
      await sendQuote(q.id, q.version);
      message.success(t('quotes.sentToast'));
      await refresh(q.id);
    });
  const nextVersion = (q: QuoteWithLines) =>
    run(async () => {
      const n = await newQuoteVersion(q.id, q.version);
      message.success(t('quotes.newVersionToast', { version: String(n.quote_version ?? '') }));
      await refresh(q.id);
      navigate(`/cash/quotes/${encodeURIComponent(n.id)}`);
    });

  const number = str(quote?.number);
  const orderId = str(quote?.order_id);
  const contractId = str(quote?.contract_id);

  const columns = [
    {
      title: t('quotes.product'),
      key: 'product',
      render: (_: unknown, l: QuoteLineDraft) => (
        <ProductPicker
          value={l.product}
          disabled={!canEdit}
          onPick={(p) =>
            patch(l.key, {
              product: p,
              // another product's bundle options do not carry over
              options: p.id === l.product?.id ? l.options : undefined,
              serviceStart: p.type === 'one_time' ? null : l.serviceStart,
              serviceEnd: p.type === 'one_time' ? null : l.serviceEnd,
            })
          }
        />
      ),
    },
    {
      title: t('quotes.quantity'),
      key: 'quantity',
      width: 110,
      render: (_: unknown, l: QuoteLineDraft) => (
        <InputNumber<string>
          stringMode
          min="0"
          value={l.quantity}
          disabled={!canEdit}
          aria-label={t('quotes.quantity')}
          onChange={(v) => patch(l.key, { quantity: v ?? '' })}
        />
      ),
    },
    {
      title: t('quotes.discount'),
      key: 'discount',
      width: 120,
      render: (_: unknown, l: QuoteLineDraft) => {
        const large = isLargeDiscount(l.discount);
        return (
          <Tooltip title={large ? t('quotes.largeDiscount', { pct: String(LARGE_DISCOUNT) }) : undefined}>
            <InputNumber<string>
              stringMode
              min="0"
              max="100"
              value={l.discount}
              status={large ? 'warning' : undefined}
              prefix={large ? <WarningOutlined style={{ color: '#fa8c16' }} /> : undefined}
              disabled={!canEdit}
              aria-label={t('quotes.discount')}
              data-testid={large ? 'quote-large-discount' : undefined}
              onChange={(v) => patch(l.key, { discount: v ?? '' })}
            />
          </Tooltip>
        );
      },
    },
    {
      title: t('quotes.servicePeriod'),
      key: 'period',
      render: (_: unknown, l: QuoteLineDraft) =>
        l.product && l.product.type !== 'one_time' ? (
          <DatePicker.RangePicker
            value={[l.serviceStart ? dayjs(l.serviceStart) : null, l.serviceEnd ? dayjs(l.serviceEnd) : null]}
            disabled={!canEdit}
            status={l.product.type === 'subscription' && !l.serviceStart ? 'warning' : undefined}
            placeholder={[t('quotes.servicePeriod'), '']}
            onChange={(r) =>
              patch(l.key, {
                serviceStart: r?.[0]?.format('YYYY-MM-DD') ?? null,
                serviceEnd: r?.[1]?.format('YYYY-MM-DD') ?? null,
              })
            }
          />
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      title: t('quotes.listPrice'),
      key: 'list',
      align: 'right' as const,
      render: (_: unknown, l: QuoteLineDraft) => money(pricedOf(l.key)?.list_price),
    },
    {
      title: t('quotes.priceSource'),
      key: 'source',
      render: (_: unknown, l: QuoteLineDraft) => {
        const p = pricedOf(l.key);
        if (!p) return '—';
        return (
          <Tooltip title={p.price_list_name ?? undefined}>
            <Tag color={p.price_source === 'price_list' ? 'blue' : undefined}>
              {t(`quotes.source.${p.price_source}` as MessageKey)}
            </Tag>
          </Tooltip>
        );
      },
    },
    {
      title: t('quotes.amount'),
      key: 'amount',
      align: 'right' as const,
      render: (_: unknown, l: QuoteLineDraft) => money(pricedOf(l.key)?.amount),
    },
    {
      title: t('quotes.tax'),
      key: 'tax',
      align: 'right' as const,
      render: (_: unknown, l: QuoteLineDraft) => money(pricedOf(l.key)?.tax_amount),
    },
    {
      key: 'remove',
      width: 48,
      render: (_: unknown, l: QuoteLineDraft) =>
        canEdit ? (
          <Button
            type="text"
            icon={<DeleteOutlined />}
            aria-label={t('common.delete')}
            onClick={() => setLines((ls) => ls.filter((x) => x.key !== l.key))}
          />
        ) : null,
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="quote-page">
      <Breadcrumb
        items={[
          { title: <Link to="/o/quote">{t('nav.quotes')}</Link> },
          {
            title: <Link to={`/o/opportunity/${encodeURIComponent(opportunityId)}`}>{opportunityName}</Link>,
          },
          { title: number ?? t('quotes.new') },
        ]}
      />
      <Space wrap align="center">
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="record-title">
          {number ? t('quotes.title', { number }) : t('quotes.new')}
        </Typography.Title>
        {quote && <Tag>{t('quotes.version', { version: String(quote.quote_version ?? '') })}</Tag>}
        {status && (
          <Tag color={status === 'accepted' ? 'green' : undefined}>
            {t(`quotes.status.${status}` as MessageKey)}
          </Tag>
        )}
      </Space>
      {status === 'in_approval' && <Alert type="info" showIcon title={t('quotes.inApproval')} />}
      {status && status !== 'draft' && status !== 'in_approval' && (
        <Alert type="warning" showIcon title={t('quotes.readOnly')} />
      )}
      {(orderId || contractId) && (
        <Alert
          type="success"
          showIcon
          title={t('quotes.acceptedToast')}
          action={
            <Space>
              {orderId && (
                <Link to={`/cash/orders/${encodeURIComponent(orderId)}`} data-testid="quote-order-link">
                  {t('quotes.openOrder')}
                </Link>
              )}
              {contractId && (
                <Link to={`/o/contract/${encodeURIComponent(contractId)}`}>{t('quotes.openContract')}</Link>
              )}
            </Space>
          }
        />
      )}

      <Card size="small">
        <Space wrap size="large">
          <label>
            {t('quotes.name')}{' '}
            <Input
              style={{ width: 240 }}
              value={name}
              disabled={!canEdit}
              maxLength={200}
              onChange={(e) => setName(e.target.value)}
            />
          </label>
          <label>
            {t('quotes.validUntil')}{' '}
            <DatePicker
              value={validUntil ? dayjs(validUntil) : null}
              disabled={!canEdit}
              onChange={(d) => setValidUntil(d ? d.format('YYYY-MM-DD') : null)}
            />
          </label>
          <label>
            {t('quotes.language')}{' '}
            <Select<Lang>
              style={{ width: 110 }}
              value={language}
              disabled={!canEdit}
              onChange={setLanguage}
              options={[
                { value: 'zh-CN', label: t('quotes.langZh') },
                { value: 'en-US', label: t('quotes.langEn') },
              ]}
            />
          </label>
          <label>
            {t('quotes.headerDiscount')}{' '}
            <InputNumber<string>
              stringMode
              min="0"
              max="100"
              value={headerDiscount}
              disabled={!canEdit}
              status={isLargeDiscount(headerDiscount) ? 'warning' : undefined}
              onChange={(v) => setHeaderDiscount(v ?? '')}
            />
          </label>
        </Space>
      </Card>

      <Card
        size="small"
        title={t('quotes.lines')}
        extra={
          <Space>
            {pricing.isFetching && (
              <Typography.Text type="secondary">{t('quotes.calculating')}</Typography.Text>
            )}
            {canEdit && (
              <Button icon={<PlusOutlined />} onClick={() => setLines((ls) => [...ls, newQuoteLine()])}>
                {t('quotes.addLine')}
              </Button>
            )}
          </Space>
        }
      >
        {calcError && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('quotes.calcFailed')}
            description={
              calcError.details.length > 0 ? (
                <ul style={{ margin: 0 }}>
                  {calcError.details.map((d, i) => (
                    <li key={i}>{d.field ? `${d.field}: ${d.issue}` : d.issue}</li>
                  ))}
                </ul>
              ) : (
                calcError.message
              )
            }
          />
        )}
        <Table<QuoteLineDraft>
          rowKey="key"
          size="small"
          pagination={false}
          dataSource={lines}
          columns={columns}
          scroll={{ x: true }}
          locale={{ emptyText: <Empty description={t('quotes.noLines')} /> }}
        />
      </Card>

      <Card size="small" title={t('quotes.totals')} data-testid="quote-totals">
        {totals ? (
          <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }}>
            <Descriptions.Item label={t('quotes.listTotal')}>{money(totals.list_total)}</Descriptions.Item>
            <Descriptions.Item label={t('quotes.subtotal')}>{money(totals.subtotal)}</Descriptions.Item>
            <Descriptions.Item label={t('quotes.discountTotal')}>
              {money(totals.discount_total)}
            </Descriptions.Item>
            <Descriptions.Item label={t('quotes.netTotal')}>{money(totals.net_total)}</Descriptions.Item>
            <Descriptions.Item label={t('quotes.taxTotal')}>{money(totals.tax_total)}</Descriptions.Item>
            <Descriptions.Item label={t('quotes.grandTotal')}>
              <Typography.Text strong>{money(totals.grand_total)}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('quotes.costTotal')}>
              {money(totals.cost_total)}{' '}
              {!totals.cost_complete && <Tag color="orange">{t('quotes.costIncomplete')}</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label={t('quotes.margin')}>
              {totals.margin_percent === null ? '—' : `${totals.margin_percent}%`}
            </Descriptions.Item>
            <Descriptions.Item label={t('quotes.maxLineDiscount')}>
              <Typography.Text type={isLargeDiscount(totals.max_line_discount) ? 'warning' : undefined}>
                {totals.max_line_discount}%
              </Typography.Text>
            </Descriptions.Item>
          </Descriptions>
        ) : (
          <Typography.Text type="secondary">{t('quotes.totalsEmpty')}</Typography.Text>
        )}
      </Card>

      {saveError && saveError.details.length > 0 && (
        <Alert
          type="error"
          showIcon
          title={saveError.message}
          description={
            <ul style={{ margin: 0 }}>
              {saveError.details.map((d, i) => (
                <li key={i}>{d.field ? `${d.field}: ${d.issue}` : d.issue}</li>
              ))}
            </ul>
          }
        />
      )}

      <Space wrap>
        {actions.includes('save') && canEdit && (
          <Button type="primary" loading={busy} onClick={() => void save()} data-testid="quote-save">
            {t('quotes.saveDraft')}
          </Button>
        )}
        {quote && actions.includes('submit') && canEdit && (
          <Button loading={busy} onClick={() => void submit(quote)} data-testid="quote-submit">
            {t('quotes.submit')}
          </Button>
        )}
        {quote && actions.includes('send') && (
          <Button type="primary" loading={busy} onClick={() => void send(quote)} data-testid="quote-send">
            {t('quotes.send')}
          </Button>
        )}
        {quote && actions.includes('accept') && canDo(me, 'order', 'create') && (
          <Button
            type="primary"
            loading={busy}
            onClick={() => setAcceptOpen(true)}
            data-testid="quote-accept"
          >
            {t('quotes.accept')}
          </Button>
        )}
        {quote && actions.includes('newVersion') && canDo(me, 'quote', 'update') && (
          <Button loading={busy} onClick={() => void nextVersion(quote)} data-testid="quote-new-version">
            {t('quotes.newVersion')}
          </Button>
        )}
        {quote && actions.includes('pdf') && (
          <Button icon={<FilePdfOutlined />} href={quotePdfUrl(quote.id)} data-testid="quote-pdf">
            {t('quotes.pdf')}
          </Button>
        )}
      </Space>

      {quote && <QuoteVersions quote={quote} />}
      {quote && <QuoteGenericPanels id={quote.id} />}
      {quote && (
        <AcceptDialog
          open={acceptOpen}
          quote={quote}
          onClose={() => setAcceptOpen(false)}
          onDone={async () => {
            setAcceptOpen(false);
            await refresh(quote.id);
          }}
        />
      )}
    </Space>
  );
}

function AcceptDialog({
  open,
  quote,
  onClose,
  onDone,
}: {
  open: boolean;
  quote: QuoteWithLines;
  onClose: () => void;
  onDone: () => Promise<void>;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [body, setBody] = useState<QuoteAcceptRequest>({ order_type: 'new' });
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (open) setBody({ order_type: 'new', contract_name: str(quote.name) ?? undefined });
  }, [open, quote.name]);
  const ok = async () => {
    setBusy(true);
    try {
      await acceptQuote(quote.id, { ...body, version: quote.version });
      message.success(t('quotes.acceptedToast'));
      await onDone();
    } catch (e) {
      message.error(errorText(e, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('quotes.acceptTitle')}
      onCancel={onClose}
      onOk={() => void ok()}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph type="secondary">{t('quotes.acceptBody')}</Typography.Paragraph>
        <label>
          {t('quotes.orderType')}{' '}
          <Select
            style={{ width: 160 }}
            value={body.order_type}
            onChange={(v) => setBody((b) => ({ ...b, order_type: v }))}
            options={(['new', 'renewal', 'expansion', 'downgrade'] as const).map((v) => ({
              value: v,
              label: t(`quotes.orderType.${v}`),
            }))}
          />
        </label>
        <Checkbox
          checked={body.confirm_order === true}
          onChange={(e) => setBody((b) => ({ ...b, confirm_order: e.target.checked }))}
        >
          {t('quotes.confirmOrder')}
        </Checkbox>
        <Checkbox
          checked={body.create_contract === true}
          onChange={(e) => setBody((b) => ({ ...b, create_contract: e.target.checked }))}
          data-testid="quote-accept-contract"
        >
          {t('quotes.createContract')}
        </Checkbox>
        {body.create_contract && (
          <Input
            placeholder={t('quotes.contractName')}
            value={body.contract_name ?? ''}
            onChange={(e) => setBody((b) => ({ ...b, contract_name: e.target.value }))}
          />
        )}
      </Space>
    </Modal>
  );
}

function QuoteVersions({ quote }: { quote: QuoteWithLines }) {
  const { t, locale } = useI18n();
  const versions = useQuery({
    queryKey: quoteKeys.versions(quote.id),
    queryFn: () => fetchQuoteVersions(quote.id),
  });
  const rows = versions.data ?? [];
  if (rows.length <= 1) return null;
  return (
    <Card size="small" title={t('quotes.versions')}>
      <Table<QuoteWithLines>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          {
            title: '#',
            key: 'v',
            render: (_: unknown, r) =>
              r.id === quote.id ? (
                <Space>
                  {t('quotes.version', { version: String(r.quote_version ?? '') })}
                  <Tag color="blue">{t('quotes.current')}</Tag>
                </Space>
              ) : (
                <Link to={`/cash/quotes/${encodeURIComponent(r.id)}`}>
                  {t('quotes.version', { version: String(r.quote_version ?? '') })}
                </Link>
              ),
          },
          {
            title: t('quotes.status'),
            key: 's',
            render: (_: unknown, r) =>
              isQuoteStatus(r.status) ? t(`quotes.status.${r.status}` as MessageKey) : '',
          },
          {
            title: t('quotes.grandTotal'),
            key: 'g',
            align: 'right',
            render: (_: unknown, r) => {
              const g = r.grand_total;
              return typeof g === 'object' && g !== null && 'amount' in g && typeof g.amount === 'number'
                ? formatMoney({ amount: g.amount, currency: str(r.currency) ?? 'CNY' }, locale)
                : '—';
            },
          },
        ]}
      />
    </Card>
  );
}

/**
 * The panels every record page shows (approvals: submit, decide, history; attachments): the
 * generic /o/quote/:id route leads here, so approvers opening a quote from their inbox decide here.
 */
function QuoteGenericPanels({ id }: { id: string }) {
  const qc = useQueryClient();
  const { meta } = useObjectMeta('quote');
  const record = useQuoteRecord(id);
  if (!meta || !record.data) return null;
  const refresh = async () => {
    await qc.invalidateQueries({ queryKey: ['records', 'quote'] });
  };
  return (
    <Suspense fallback={<Spin style={{ display: 'block', margin: 16 }} />}>
      {GENERIC_PANELS.map((P, i) => (
        <P key={i} meta={meta} record={record.data} refresh={refresh} />
      ))}
    </Suspense>
  );
}
