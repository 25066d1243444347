import { Table, Tag, Typography } from 'antd';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import type { AccountDuplicateHit } from './api';

const MATCH: Record<AccountDuplicateHit['matched'][number], MessageKey> = {
  name: 'accounts.dup.match.name',
  phone: 'accounts.dup.match.phone',
  credit_code: 'accounts.dup.match.credit_code',
};

/** Matching accounts: what matched and how closely; name and owner only where the user may look. */
export function AccountDuplicateHits({ hits }: { hits: AccountDuplicateHit[] }) {
  const { t } = useI18n();
  return (
    <Table
      size="small"
      rowKey="id"
      dataSource={hits}
      pagination={false}
      scroll={{ x: 'max-content' }}
      data-testid="account-dup-hits"
      columns={[
        {
          key: 'name',
          title: t('accounts.col.name'),
          render: (_, h) =>
            h.visible ? (
              // a plain link: the dialog renders outside the router, and it opens a new tab anyway
              <a href={`/o/account/${encodeURIComponent(h.id)}`} target="_blank" rel="noreferrer">
                {h.name || h.id.slice(0, 8)}
              </a>
            ) : (
              <Typography.Text type="secondary">{t('accounts.dup.hidden')}</Typography.Text>
            ),
        },
        {
          key: 'owner',
          title: t('accounts.fact.owner'),
          render: (_, h) =>
            h.owner_name ??
            (h.state === 'pool' ? t('accounts.dup.inPool') : h.visible ? '—' : t('accounts.dup.ownerHidden')),
        },
        {
          key: 'matched',
          title: t('accounts.dup.matched'),
          render: (_, h) => h.matched.map((m) => <Tag key={m}>{t(MATCH[m])}</Tag>),
        },
        {
          key: 'similarity',
          title: t('accounts.dup.similarity'),
          render: (_, h) =>
            h.similarity === null ? '—' : <span className="fw-num">{Math.round(h.similarity * 100)}%</span>,
        },
      ]}
    />
  );
}
