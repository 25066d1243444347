import { Button, Checkbox, Popover, Space, Typography } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, SettingOutlined } from '@ant-design/icons';
import type { ObjectMeta } from '../api/types';
import { useI18n } from '../i18n/i18n-context';

interface Props {
  meta: ObjectMeta;
  columns: string[];
  onChange: (columns: string[]) => void;
}

/** Chosen columns first in their order, then the rest; the name column always stays. */
export function ColumnPicker({ meta, columns, onChange }: Props) {
  const { t, pick } = useI18n();
  const fields = meta.fields.filter((f) => f.api_name !== 'id');
  const ordered = [
    ...columns.flatMap((c) => fields.filter((f) => f.api_name === c)),
    ...fields.filter((f) => !columns.includes(f.api_name)),
  ];
  const move = (name: string, delta: number) => {
    const i = columns.indexOf(name);
    const j = i + delta;
    if (i < 0 || j < 0 || j >= columns.length) return;
    const next = [...columns];
    [next[i], next[j]] = [next[j] ?? name, next[i] ?? name];
    onChange(next);
  };
  const content = (
    <div style={{ width: 280, maxHeight: 420, overflowY: 'auto' }}>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('list.columnsHint')}
      </Typography.Paragraph>
      {ordered.map((f) => {
        const checked = columns.includes(f.api_name);
        return (
          <div
            key={f.api_name}
            style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', minHeight: 30 }}
          >
            <Checkbox
              checked={checked}
              disabled={f.api_name === meta.name_field}
              onChange={(e) =>
                onChange(
                  e.target.checked ? [...columns, f.api_name] : columns.filter((c) => c !== f.api_name),
                )
              }
            >
              {pick(f.label)}
            </Checkbox>
            {checked && (
              <Space size={0}>
                <Button
                  size="small"
                  type="text"
                  icon={<ArrowUpOutlined />}
                  aria-label={`${t('list.moveUp')} ${pick(f.label)}`}
                  onClick={() => move(f.api_name, -1)}
                />
                <Button
                  size="small"
                  type="text"
                  icon={<ArrowDownOutlined />}
                  aria-label={`${t('list.moveDown')} ${pick(f.label)}`}
                  onClick={() => move(f.api_name, 1)}
                />
              </Space>
            )}
          </div>
        );
      })}
    </div>
  );
  return (
    <Popover trigger="click" content={content} title={t('list.columns')} placement="bottomRight">
      <Button icon={<SettingOutlined />}>{t('list.columns')}</Button>
    </Popover>
  );
}
