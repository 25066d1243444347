import { describe, expect, it } from 'vitest';
import { setFieldRule, setScope, toggleAction } from './permissions-draft';

const empty = { objects: {}, fields: {} };

describe('permission matrix edits', () => {
  it('granting a right also grants read', () => {
    const p = toggleAction(empty, 'account', 'update', true);
    expect(p.objects.account).toEqual({ update: true, read: true });
  });
  it('revoking read drops the object', () => {
    const p = toggleAction(toggleAction(empty, 'account', 'create', true), 'account', 'read', false);
    expect(p.objects).toEqual({});
  });
  it('keeps the scope with the rights', () => {
    const p = setScope(toggleAction(empty, 'lead', 'read', true), 'lead', 'all');
    expect(p.objects.lead).toEqual({ read: true, scope: 'all' });
  });
  it('adds and removes field rules', () => {
    const p = setFieldRule(empty, 'account', 'grade', 'hidden');
    expect(p.fields).toEqual({ account: { grade: 'hidden' } });
    expect(setFieldRule(p, 'account', 'grade', null).fields).toEqual({});
  });
});
