import { Card } from 'antd';
import type { RecordPanelProps } from '../objects/record-panels';
import { recordTitle } from '../objects/field-values';
import { ActivitySection } from './activity-section';

/** A contact's follow-ups: the log button and the timeline. */
export default function ContactPanel({ meta, record, refresh }: RecordPanelProps) {
  return (
    <Card style={{ marginBottom: 12 }} data-testid="contact-panel">
      <ActivitySection
        object="contact"
        id={record.id}
        name={recordTitle(record, meta.name_field)}
        onChanged={refresh}
        maxHeight={480}
      />
    </Card>
  );
}
