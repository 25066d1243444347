import { describe, expect, it } from 'vitest';
import { loginPath, safeNext } from './login-redirect';

describe('login redirect', () => {
  it('returns only to paths inside the app', () => {
    expect(safeNext('/o/account?x=1')).toBe('/o/account?x=1');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('/login?next=/x')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
  it('remembers where the user was', () => {
    expect(loginPath('/o/contact', true)).toBe('/login?next=%2Fo%2Fcontact&expired=1');
    expect(loginPath('/', false)).toBe('/login');
  });
});
