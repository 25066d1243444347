import { describe, expect, it } from 'vitest';
import { mergeSmtp, publicSmtp } from './smtp-settings.ts';

const base = { host: 'smtp.example.test', port: 587, user: 'crm', from: 'crm@example.test' };

describe('mergeSmtp', () => {
  it('keeps the stored password when the body leaves it out', () => {
    expect(mergeSmtp({ ...base, password: 'old' }, { ...base, host: 'other' })).toEqual({
      smtp: { ...base, host: 'other', password: 'old' },
      password: 'kept',
    });
  });
  it('replaces it with a new one', () => {
    expect(mergeSmtp({ ...base, password: 'old' }, { ...base, password: 'new' })).toEqual({
      smtp: { ...base, password: 'new' },
      password: 'replaced',
    });
  });
  it('clears it with "" or null', () => {
    for (const password of ['', null]) {
      expect(mergeSmtp({ ...base, password: 'old' }, { ...base, password })).toEqual({
        smtp: base,
        password: 'cleared',
      });
    }
  });
  it('has nothing to keep without stored settings', () => {
    expect(mergeSmtp(undefined, base)).toEqual({ smtp: base, password: 'none' });
    expect(mergeSmtp(undefined, { ...base, password: 'p' })).toEqual({
      smtp: { ...base, password: 'p' },
      password: 'replaced',
    });
  });
  it('replaces the other fields, dropping a user that is left out', () => {
    const { user: _user, ...noUser } = base;
    expect(mergeSmtp({ ...base, secure: true, password: 'old' }, noUser).smtp).toEqual({
      ...noUser,
      password: 'old',
    });
  });
});

describe('publicSmtp', () => {
  it('never shows the password, only whether one is set', () => {
    expect(publicSmtp({ ...base, password: 'old' })).toEqual({ ...base, password_set: true });
    expect(publicSmtp(base)).toEqual({ ...base, password_set: false });
    expect(publicSmtp(undefined)).toBeNull();
  });
});
