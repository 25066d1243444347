import { Typography } from 'antd';
import { useI18n } from '../i18n/i18n-context';
import { ActivityTimeline } from './activity-timeline';
import type { RelatedObject } from './api';
import { LogActivityButton } from './log-activity-button';

export interface ActivitySectionProps {
  object: RelatedObject;
  id: string;
  name?: string | null;
  /** After something was logged or completed (e.g. the record page's refresh). */
  onChanged?: () => void | Promise<void>;
  /** Scrolls inside this height (px) instead of growing the page. */
  maxHeight?: number;
}

/** "跟进记录" title, the log button and the timeline: the block record panels embed. */
export function ActivitySection({ object, id, name, onChanged, maxHeight }: ActivitySectionProps) {
  const { t } = useI18n();
  return (
    <section data-testid="activity-section">
      <div className="fw-page-header" style={{ marginBottom: 8 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('activities.timeline.title')}
        </Typography.Title>
        <LogActivityButton object={object} id={id} name={name} onLogged={onChanged} size="small" />
      </div>
      <div style={maxHeight ? { maxHeight, overflowY: 'auto', paddingTop: 8 } : { paddingTop: 8 }}>
        <ActivityTimeline object={object} id={id} name={name} onChanged={onChanged} />
      </div>
    </section>
  );
}
