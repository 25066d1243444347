import type { FieldDef } from '../../platform/metadata/types.ts';
import type { Labels } from '../../platform/i18n/i18n.ts';

const L = (zh: string, en: string): Labels => ({ 'zh-CN': zh, 'en-US': en });
const opt = (value: string, zh: string, en: string) => ({ value, label: L(zh, en) });

/** Where a person or company first came from; the same list on leads, accounts and contacts. */
export const SOURCE_CHANNELS = [
  opt('web_form', '官网表单', 'Web form'),
  opt('api', 'API', 'API'),
  opt('import', '导入', 'Import'),
  opt('manual', '手工录入', 'Manual entry'),
  opt('campaign', '市场活动', 'Campaign'),
  opt('referral', '转介绍', 'Referral'),
  opt('other', '其他', 'Other'),
];

type Field = Omit<FieldDef, 'isCustom' | 'required' | 'unique'>;

/**
 * Attribution carried from the converted lead (source channel, campaign, UTM), so later
 * opportunities and orders can be credited to the channel and campaign that brought them.
 */
export function attributionFields(withUtm: boolean): Field[] {
  const utm = (k: string, zh: string, en: string): Field => ({
    apiName: `utm_${k}`,
    type: 'text',
    label: L(`UTM ${zh}`, `UTM ${en}`),
    maxLength: 200,
    listDefault: false,
  });
  return [
    { apiName: 'source', type: 'select', label: L('来源渠道', 'Source'), options: SOURCE_CHANNELS },
    {
      apiName: 'campaign_id',
      type: 'lookup',
      lookup: 'campaign',
      label: L('来源市场活动', 'Source campaign'),
    },
    ...(withUtm
      ? [
          utm('source', '来源', 'source'),
          utm('medium', '媒介', 'medium'),
          utm('campaign', '活动', 'campaign'),
          utm('term', '关键词', 'term'),
          utm('content', '内容', 'content'),
        ]
      : []),
    {
      apiName: 'lead_id',
      type: 'lookup',
      lookup: 'lead',
      label: L('来源线索', 'Converted from lead'),
      readOnly: true,
      listDefault: false,
    },
  ];
}
