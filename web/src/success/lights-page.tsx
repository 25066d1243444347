import { useSearchParams } from 'react-router';
import { Card, Col, Empty, Row, Select, Space, Spin, Typography } from 'antd';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n-context';
import { DashboardHeader, RetryAlert } from '../objects/dashboard-parts';
import { LightDrawer } from './light-drawer';
import { LightBadges, reasonKey, statusKey } from './light-parts';
import { LightsReport } from './lights-report';
import { useLights, type Light } from './lights-api';
import {
  boardColumns,
  LIGHT_COLORS,
  LIGHT_REASONS,
  LIGHT_STATUSES,
  type LightColor,
  type LightReason,
} from './lights-logic';

const oneOf = <T extends string>(v: string | null, all: readonly T[]): T | null =>
  v !== null && (all as readonly string[]).includes(v) ? (v as T) : null;

/**
 * The traffic-light board (按灯看板): a column per lifecycle state, each card a customer's red or
 * yellow light with its reason, age, escalation and who is on it; a card opens the light. Filters
 * and the open light are in the URL so a link can be shared.
 */
export default function LightsPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const color = oneOf(params.get('color'), LIGHT_COLORS);
  const reason = oneOf(params.get('reason'), LIGHT_REASONS);
  const openId = params.get('light');
  const lights = useLights(null);
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const cols = boardColumns(lights.data ?? [], { color, reason });

  return (
    <div>
      <DashboardHeader title={t('lights.title')} subtitle={t('lights.subtitle')}>
        <Space wrap>
          <Select<LightColor | ''>
            aria-label={t('lights.color')}
            style={{ width: 140 }}
            value={color ?? ''}
            onChange={(v) => set('color', v || null)}
            options={[
              { value: '', label: t('lights.allColors') },
              ...LIGHT_COLORS.map((c) => ({ value: c, label: t(`lights.color.${c}`) })),
            ]}
            data-testid="lights-color-filter"
          />
          <Select<LightReason | ''>
            aria-label={t('lights.reason')}
            style={{ width: 220 }}
            value={reason ?? ''}
            onChange={(v) => set('reason', v || null)}
            options={[
              { value: '', label: t('lights.allReasons') },
              ...LIGHT_REASONS.map((r) => ({ value: r, label: t(reasonKey(r)) })),
            ]}
            data-testid="lights-reason-filter"
          />
        </Space>
      </DashboardHeader>
      {lights.error ? (
        <RetryAlert message={errorText(lights.error, t)} onRetry={() => void lights.refetch()} />
      ) : lights.isPending ? (
        <Spin />
      ) : (
        <div style={{ overflowX: 'auto', paddingBottom: 8 }}>
          <Row gutter={12} wrap={false} style={{ minWidth: 1100 }}>
            {LIGHT_STATUSES.map((s) => (
              <Col key={s} flex="1 1 0" data-testid={`lights-col-${s}`}>
                <Typography.Title level={5}>
                  {t(statusKey(s))} <Typography.Text type="secondary">{cols[s].length}</Typography.Text>
                </Typography.Title>
                <Space orientation="vertical" style={{ width: '100%' }} size={8}>
                  {cols[s].length === 0 && (
                    <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('lights.empty')} />
                  )}
                  {cols[s].map((l) => (
                    <LightCard key={l.id} light={l} onOpen={() => set('light', l.id)} />
                  ))}
                </Space>
              </Col>
            ))}
          </Row>
        </div>
      )}
      <LightsReport />
      {openId && <LightDrawer id={openId} onClose={() => set('light', null)} />}
    </div>
  );
}

function LightCard({ light, onOpen }: { light: Light; onOpen: () => void }) {
  const { t } = useI18n();
  return (
    <Card
      size="small"
      hoverable
      role="button"
      tabIndex={0}
      onClick={onOpen}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onOpen();
        }
      }}
      style={{ borderLeft: `4px solid ${light.color === 'red' ? '#cf1322' : '#d4b106'}` }}
      data-testid="light-card"
      data-light-id={light.id}
    >
      <Typography.Text strong>{light.account_name}</Typography.Text>
      <div>
        <Typography.Text>{t(reasonKey(light.reason))}</Typography.Text>
      </div>
      <LightBadges light={light} />
      <div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('lights.owner', { name: light.owner_name ?? t('lights.nobody') })}
          {' · '}
          {t('lights.responsible', { name: light.responsible_name ?? t('lights.nobody') })}
        </Typography.Text>
      </div>
    </Card>
  );
}
