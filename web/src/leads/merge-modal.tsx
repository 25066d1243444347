import { useMemo, useState } from 'react';
import { Alert, Modal, Radio, Space, Table, Typography } from 'antd';
import type { ObjectMeta, RecordData } from '../api/types';
import { errorText } from '../api/error-text';
import { useI18n } from '../i18n/i18n-context';
import { FieldValueView } from '../objects/value-render';
import { useRenderContext } from '../objects/use-render-context';
import { recordTitle } from '../objects/field-values';
import { mergeLeads } from './leads-api';
import { defaultPicks, mergeRows, takeFromMerged, type MergePick, type MergeRow } from './lead-logic';

interface Props {
  meta: ObjectMeta;
  /** The flagged lead and the lead it resembles. */
  a: RecordData;
  b: RecordData;
  onClose: () => void;
  onMerged: (survivorId: string) => Promise<void>;
}

/** Pick the surviving lead and, per field, whose value stays. */
export function MergeModal({ meta, a, b, onClose, onMerged }: Props) {
  const { t, pick } = useI18n();
  const ctx = useRenderContext();
  // the older lead survives by default: it holds the first attribution
  const [survivorId, setSurvivorId] = useState<string>(() =>
    String(a.created_at ?? '') <= String(b.created_at ?? '') ? a.id : b.id,
  );
  const survivor = survivorId === a.id ? a : b;
  const merged = survivorId === a.id ? b : a;
  const rows = useMemo(() => mergeRows(meta.fields, survivor, merged), [meta.fields, survivor, merged]);
  const [picks, setPicks] = useState<Record<string, MergePick>>(() => defaultPicks(rows));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const changeSurvivor = (id: string) => {
    setSurvivorId(id);
    const s = id === a.id ? a : b;
    const m = id === a.id ? b : a;
    setPicks(defaultPicks(mergeRows(meta.fields, s, m)));
  };

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await mergeLeads({
        survivor_id: survivor.id,
        merged_id: merged.id,
        take_from_merged: takeFromMerged(rows, picks),
      });
      await onMerged(survivor.id);
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  const title = (r: RecordData) => recordTitle(r, meta.name_field);
  const cell = (row: MergeRow, side: MergePick) => (
    <span data-testid={`merge-pick-${row.field.api_name}-${side}`}>
      <Radio
        checked={picks[row.field.api_name] === side}
        disabled={row.same}
        onChange={() => setPicks((p) => ({ ...p, [row.field.api_name]: side }))}
      >
        <FieldValueView field={row.field} record={side === 'survivor' ? survivor : merged} ctx={ctx} />
      </Radio>
    </span>
  );

  return (
    <Modal
      open
      title={t('leads.merge.title')}
      width={860}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('leads.merge.submit')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true }}
      confirmLoading={busy}
      destroyOnHidden
      data-testid="merge-modal"
    >
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <div>
          <Typography.Text strong>{t('leads.merge.survivor')}</Typography.Text>{' '}
          <Radio.Group
            value={survivorId}
            onChange={(e) => changeSurvivor(String(e.target.value))}
            options={[
              { value: a.id, label: title(a) },
              { value: b.id, label: `${title(b)}` },
            ]}
            data-testid="merge-survivor"
          />
        </div>
        <Alert
          type="info"
          showIcon
          title={t('leads.merge.hint', { survivor: title(survivor), merged: title(merged) })}
        />
        {error && <Alert type="error" showIcon title={error} role="alert" />}
        <Table<MergeRow>
          rowKey={(r) => r.field.api_name}
          size="small"
          pagination={false}
          scroll={{ x: 'max-content', y: 420 }}
          dataSource={rows}
          columns={[
            { key: 'field', title: t('leads.merge.field'), render: (_, r) => pick(r.field.label) },
            {
              key: 'survivor',
              title: `${t('leads.merge.keep')} · ${title(survivor)}`,
              render: (_, r) => cell(r, 'survivor'),
            },
            {
              key: 'merged',
              title: `${t('leads.merge.mergedLead')} · ${title(merged)}`,
              render: (_, r) => cell(r, 'merged'),
            },
          ]}
        />
      </Space>
    </Modal>
  );
}
