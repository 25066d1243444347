import { useState } from 'react';
import { App, Button, Table, Tag, Typography } from 'antd';
import { MessageOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { useMe, useObjects } from '../api/queries';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import { pingOwner, type DuplicateHit } from './leads-api';

const MATCH_KEYS: Record<string, MessageKey> = {
  mobile: 'leads.match.mobile',
  email: 'leads.match.email',
  company: 'leads.match.company',
};

/**
 * Duplicate hits (撞单): what matched, how closely, and who owns it. Records the user may not open
 * show only their owner — with a button to message that colleague instead.
 */
export function DuplicateHitsTable({ hits }: { hits: DuplicateHit[] }) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const me = useMe().data;
  const objects = useObjects().data ?? [];
  const [pinged, setPinged] = useState<string[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const objectLabel = (o: string) => pick(objects.find((m) => m.api_name === o)?.label) || o;
  const ping = async (h: DuplicateHit) => {
    const key = `${h.object}-${h.id}`;
    setBusy(key);
    try {
      await pingOwner({ object: h.object, id: h.id });
      setPinged((p) => [...p, key]);
      void message.success(t('leads.dup.pinged', { name: h.owner_name ?? '' }));
    } catch (err) {
      void message.error(errorText(err, t));
    } finally {
      setBusy(null);
    }
  };
  return (
    <Table
      size="small"
      rowKey={(h) => `${h.object}-${h.id}`}
      dataSource={hits}
      pagination={false}
      scroll={{ x: 'max-content' }}
      data-testid="dup-hits"
      columns={[
        {
          key: 'object',
          title: t('leads.dup.object'),
          render: (_: unknown, h: DuplicateHit) => <Tag>{objectLabel(h.object)}</Tag>,
        },
        {
          key: 'name',
          title: t('leads.dup.name'),
          render: (_: unknown, h: DuplicateHit) =>
            h.visible ? (
              <Link to={`/o/${h.object}/${h.id}`} target="_blank">
                {h.name || h.id.slice(0, 8)}
              </Link>
            ) : (
              <Typography.Text type="secondary">{t('leads.dup.hidden')}</Typography.Text>
            ),
        },
        {
          key: 'owner',
          title: t('leads.dup.owner'),
          render: (_: unknown, h: DuplicateHit) => h.owner_name ?? '—',
        },
        {
          key: 'matched',
          title: t('leads.dup.matched'),
          render: (_: unknown, h: DuplicateHit) =>
            h.matched.map((m) => {
              const key = MATCH_KEYS[m];
              return <Tag key={m}>{key ? t(key) : m}</Tag>;
            }),
        },
        {
          key: 'similarity',
          title: t('leads.dup.similarity'),
          render: (_: unknown, h: DuplicateHit) =>
            h.similarity === null ? '—' : <span className="fw-num">{Math.round(h.similarity * 100)}%</span>,
        },
        {
          key: 'ping',
          title: '',
          render: (_: unknown, h: DuplicateHit) => {
            const key = `${h.object}-${h.id}`;
            if (!h.owner_id || h.owner_id === me?.user.id) return null;
            return (
              <Button
                size="small"
                icon={<MessageOutlined />}
                loading={busy === key}
                disabled={pinged.includes(key)}
                onClick={() => void ping(h)}
              >
                {pinged.includes(key) ? t('leads.dup.pingedShort') : t('leads.dup.ping')}
              </Button>
            );
          },
        },
      ]}
    />
  );
}
