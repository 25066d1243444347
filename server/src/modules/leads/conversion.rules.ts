import type { FieldIssue } from '../../platform/http/errors.ts';
import type { FieldDef, Rec } from '../../platform/metadata/types.ts';
import { ATTRIBUTION_FIELDS } from './pipeline.ts';

/** One row of the conversion mapping table: a lead field copied into an account or contact field. */
export interface ConversionMapping {
  lead_field: string;
  object: 'account' | 'contact' | 'opportunity';
  field: string;
}

const UTM = ATTRIBUTION_FIELDS.filter((k) => k.startsWith('utm_'));

/** Fields the mapping table may not write: the conversion sets them itself. */
const RESERVED = new Set([
  'name',
  'owner_id',
  'account_id',
  'contact_id',
  'lead_id',
  'source',
  'campaign_id',
  ...UTM,
]);

/**
 * Problems with a mapping table, as field issues on `conversionMapping.<i>.…`: unknown or system
 * fields, targets the conversion writes itself, type mismatches, a target mapped twice.
 */
export function checkMappings(
  mappings: ConversionMapping[],
  fields: { lead: FieldDef[]; account: FieldDef[]; contact: FieldDef[]; opportunity: FieldDef[] | null },
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  mappings.forEach((m, i) => {
    const at = `conversionMapping.${i}`;
    const from = fields.lead.find((f) => f.apiName === m.lead_field && !f.system);
    const target = fields[m.object];
    // opportunities exist once the sales module is installed
    if (!target) {
      issues.push({ field: `${at}.object`, issue: 'invalid_value' });
      return;
    }
    const to = target.find((f) => f.apiName === m.field && !f.system && !f.readOnly);
    if (!from) issues.push({ field: `${at}.lead_field`, issue: 'unknown_field' });
    if (!to || RESERVED.has(m.field)) issues.push({ field: `${at}.field`, issue: 'unknown_field' });
    else if (from && (from.type !== to.type || (from.type === 'lookup' && from.lookup !== to.lookup)))
      issues.push({ field: `${at}.field`, issue: 'invalid_value' });
    const key = `${m.object}.${m.field}`;
    if (seen.has(key)) issues.push({ field: `${at}.field`, issue: 'not_unique' });
    seen.add(key);
  });
  return issues;
}

const empty = (v: unknown): boolean =>
  v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/**
 * What a converted lead gives its account and contact: the standard fields, the attribution
 * (source, campaign, UTM, the lead itself) and the tenant's mapped fields. Empty values are left
 * out, so "fill only empty fields" of an existing record never blanks anything.
 */
export function conversionValues(
  lead: Rec,
  leadId: string,
  mappings: ConversionMapping[],
): { account: Rec; contact: Rec; opportunity: Rec } {
  const pick = (pairs: Array<[string, unknown]>): Rec =>
    Object.fromEntries(pairs.filter(([, v]) => !empty(v)));
  const attribution: Array<[string, unknown]> = [
    ['source', lead.source],
    ['campaign_id', lead.campaign_id],
    ['lead_id', leadId],
  ];
  const account = pick([
    ['name', lead.company ?? lead.name],
    ['industry', lead.industry],
    ['province', lead.province],
    ['city', lead.city],
    ['size', lead.company_size],
    ['phone', lead.phone],
    ...attribution,
    ...UTM.map((k): [string, unknown] => [k, lead[k]]),
  ]);
  const contact = pick([
    ['name', lead.name],
    ['mobile', lead.mobile],
    ['email', lead.email],
    ['title', lead.title],
    ...attribution,
  ]);
  const opportunity = pick([
    ['name', `${String(lead.company ?? lead.name ?? '')} - 商机`],
    ...attribution,
    ...UTM.map((k): [string, unknown] => [k, lead[k]]),
  ]);
  const into = { account, contact, opportunity };
  for (const m of mappings) {
    const v = lead[m.lead_field];
    if (empty(v)) continue;
    into[m.object][m.field] = v;
  }
  return into;
}
