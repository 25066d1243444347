import { AppError, invalid, type FieldIssue } from '../../platform/http/errors.ts';
import { sql } from 'kysely';
import type { ObjectHooks, Rec } from '../../platform/metadata/types.ts';
import { scopePredicate } from '../../platform/access/scope.sql.ts';
import { normaliseCompany, normalisePhone } from './normalise.rules.ts';
import { isValidCreditCode, normaliseCreditCode } from './credit-code.rules.ts';
import { computeGrade } from './grade.rules.ts';
import { loadAccountSettings, loadFuzzyThreshold } from './settings.ts';
import { findAccountDuplicates, userNames, visibleAccountIds, type MatchedField } from './duplicates.ts';

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

/**
 * Account writes through the records engine: normalised name, E.164 phone and upper-case credit
 * code (checked against GB 32100-2015), grade from the tenant's rules, and — when the tenant's
 * duplicate policy is 'block' — no second account with the same name, phone or credit code.
 */
export const accountHooks: ObjectHooks = {
  async beforeWrite(hc, { op, before, after }) {
    after.name_norm = typeof after.name === 'string' ? normaliseCompany(after.name) : null;
    const issues: FieldIssue[] = [];
    if (typeof after.phone === 'string') {
      if (!after.phone.trim()) after.phone = null;
      else {
        const n = normalisePhone(after.phone);
        if (n) after.phone = n;
        else issues.push({ field: 'phone', issue: 'invalid_phone' });
      }
    }
    if (typeof after.credit_code === 'string') {
      if (!after.credit_code.trim()) after.credit_code = null;
      else {
        const c = normaliseCreditCode(after.credit_code);
        if (isValidCreditCode(c)) after.credit_code = c;
        else issues.push({ field: 'credit_code', issue: 'invalid_credit_code' });
      }
    }
    if (issues.length) throw invalid(issues);
    // Team members with edit access may edit the account, not give it away (or take it): the
    // owner changes only for people whose own record scope covers the account.
    if (op === 'update' && before && before.owner_id !== after.owner_id && !(await mayReassign(hc, before)))
      throw new AppError('forbidden', 'forbidden', [{ field: 'owner_id', issue: 'invalid_value' }]);

    const s = await loadAccountSettings(hc.tx);
    const grade = computeGrade(after, s.gradeRules, s.gradeFallback);
    if (grade !== undefined) after.grade = grade;

    if (s.duplicatePolicy !== 'block' || hc.isSystem) return;
    const changed = (k: string): boolean => op === 'create' || !before || before[k] !== after[k];
    const probe = {
      nameNorm: changed('name_norm') ? text(after.name_norm) : null,
      phone: changed('phone') ? text(after.phone) : null,
      creditCode: changed('credit_code') ? text(after.credit_code) : null,
    };
    const hits = await findAccountDuplicates(
      hc.tx,
      probe,
      await loadFuzzyThreshold(hc.tx),
      typeof after.id === 'string' ? after.id : null,
    );
    if (!hits.length) return;
    throw await duplicateError(hc, hits);
  },
};

async function duplicateError(
  hc: Parameters<NonNullable<ObjectHooks['beforeWrite']>>[0],
  hits: Awaited<ReturnType<typeof findAccountDuplicates>>,
): Promise<AppError> {
  // the owner is named only when the writer may see the account (no leaking whose customer it is)
  const visible = await visibleAccountIds(
    hc.tx,
    hc.actor,
    hits.map((h) => h.id),
  );
  const owners = await userNames(
    hc.tx,
    hits.filter((h) => visible.has(h.id) && h.owner_id).map((h) => h.owner_id as string),
  );
  const details: FieldIssue[] = [];
  const fieldOf: Record<MatchedField, string> = { name: 'name', phone: 'phone', credit_code: 'credit_code' };
  for (const m of ['credit_code', 'phone', 'name'] as const) {
    const hit = hits.find((h) => h.matched.includes(m));
    if (!hit) continue;
    const owner = visible.has(hit.id) && hit.owner_id ? owners.get(hit.owner_id) : undefined;
    details.push(
      owner
        ? { field: fieldOf[m], issue: 'duplicate_account_owned', params: { owner } }
        : { field: fieldOf[m], issue: 'duplicate_account_hidden' },
    );
  }
  return new AppError('validation_failed', 'duplicate_account', details);
}

async function mayReassign(
  hc: Parameters<NonNullable<ObjectHooks['beforeWrite']>>[0],
  before: Rec,
): Promise<boolean> {
  const a = hc.actor;
  if (hc.isSystem || a.isAdmin || (a.userId !== null && before.owner_id === a.userId)) return true;
  if (typeof before.id !== 'string') return false;
  const row = await hc.tx.one(
    sql`select 1 from account t where t.tenant_id = ${hc.tenantId} and t.id = ${before.id} and ${scopePredicate(a, 'account')}`,
  );
  return row !== undefined;
}
