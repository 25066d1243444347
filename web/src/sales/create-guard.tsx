import type { HookAPI } from 'antd/es/modal/useModal';
import { Table } from 'antd';
import type { Translate } from '../i18n/i18n-context';
import { fetchDuplicates, fetchPipelines, type OpportunityDuplicates } from './api';

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

function Hits({
  hits,
  t,
  stageName,
}: {
  hits: OpportunityDuplicates['hits'];
  t: Translate;
  stageName: (key: string) => string;
}) {
  return (
    <Table
      size="small"
      pagination={false}
      rowKey="id"
      dataSource={hits}
      data-testid="opp-dup-hits"
      columns={[
        {
          title: t('sales.dup.name'),
          dataIndex: 'name',
          render: (name: string, h) => (
            <a href={`/o/opportunity/${h.id}`} target="_blank" rel="noreferrer">
              {name}
            </a>
          ),
        },
        { title: t('sales.dup.stage'), dataIndex: 'stage', render: (k: string) => stageName(k) },
      ]}
    />
  );
}

/**
 * Before an opportunity is created from the generic form: open deals of the same type on the
 * same account. "warn" lets the user go on after seeing them; "block" stops here (the server
 * would refuse it with 422 as well).
 */
export async function opportunityCreateGuard(
  values: Record<string, unknown>,
  modal: HookAPI,
  t: Translate,
): Promise<boolean> {
  const locale = document.documentElement.lang === 'en-US' ? 'en-US' : 'zh-CN';
  const accountId = text(values.account_id);
  if (!accountId) return true;
  const probe = await fetchDuplicates({ account_id: accountId, type: text(values.type) ?? 'new' }).catch(
    () => null,
  );
  // the probe is advice: if it fails the server still applies the policy on save
  if (!probe || !probe.hits.length) return true;
  const pipelines = await fetchPipelines().catch(() => []);
  const names = new Map(pipelines.flatMap((p) => p.stages.map((s) => [s.key, s.name] as const)));
  const content = <Hits hits={probe.hits} t={t} stageName={(k) => names.get(k)?.[locale] ?? k} />;
  if (probe.policy === 'block') {
    await modal.warning({
      title: t('sales.dup.blocked', { count: probe.hits.length }),
      content,
      width: 640,
      okText: t('common.close'),
    });
    return false;
  }
  return new Promise<boolean>((resolve) => {
    modal.confirm({
      title: t('sales.dup.title', { count: probe.hits.length }),
      content,
      width: 640,
      okText: t('sales.dup.saveAnyway'),
      cancelText: t('common.cancel'),
      onOk: () => resolve(true),
      onCancel: () => resolve(false),
    });
  });
}
