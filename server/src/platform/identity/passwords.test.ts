import { describe, expect, it } from 'vitest';
import { checkPassword } from './passwords.ts';

describe('password policy', () => {
  it('accepts long, uncommon passwords', () => {
    expect(checkPassword('Correct-Horse-42')).toEqual([]);
    expect(checkPassword('我的密码很长也很独特2026')).toEqual([]);
  });
  it('refuses short, common, decorated-common, repeated and own-e-mail passwords', () => {
    expect(checkPassword('short')[0]?.issue).toBe('password_too_short');
    for (const pw of [
      'password123',
      'Password2026!',
      'qwertyuiop',
      'zzzzzzzzzzzz',
      'woaini1314520',
      'admin@12345',
    ])
      expect(checkPassword(pw)[0]?.issue, pw).toBe('password_common');
    expect(checkPassword('zhangwei2026', 'zhangwei@acme.cn')[0]?.issue).toBe('password_common');
  });
});
