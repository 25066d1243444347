import { Space, Tag, Typography } from 'antd';
import { useI18n } from '../i18n/i18n-context';
import type { MessageKey } from '../i18n/zh-CN';
import type { Light } from './lights-api';
import type { LightReason, LightStatus, RootCause } from './lights-logic';

export const reasonKey = (r: LightReason) => `lights.reason.${r}` as MessageKey;
export const causeKey = (c: RootCause) => `lights.cause.${c}` as MessageKey;
export const statusKey = (s: LightStatus) => `lights.col.${s}` as MessageKey;

/** A light's colour, age and escalation badge: what the board and the account panel show. */
export function LightBadges({ light }: { light: Light }) {
  const { t } = useI18n();
  return (
    <Space size={4} wrap>
      <Tag color={light.color === 'red' ? 'red' : 'gold'} data-testid="light-color">
        {t(light.color === 'red' ? 'lights.color.red' : 'lights.color.yellow')}
      </Tag>
      <Typography.Text type="secondary">{t('lights.age', { n: light.age_days })}</Typography.Text>
      {light.escalation_level > 0 && (
        <Tag color="volcano" data-testid="light-escalated">
          {t('lights.escalated', {
            level: light.escalation_level,
            priority: t(`lights.priority.${light.priority}` as MessageKey),
          })}
        </Tag>
      )}
    </Space>
  );
}
