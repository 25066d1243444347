import { describe, expect, it } from 'vitest';
import { smtpBody } from './smtp-body';

const form = { host: ' smtp.example.com ', port: 587, user: 'crm', from: ' crm@example.com ' };

describe('smtpBody', () => {
  it('leaves an empty password out so the server keeps the saved one', () => {
    expect(smtpBody(form)).toEqual({
      host: 'smtp.example.com',
      port: 587,
      user: 'crm',
      from: 'crm@example.com',
    });
    expect(smtpBody({ ...form, password: '' })).not.toHaveProperty('password');
  });
  it('sends a typed password', () => {
    expect(smtpBody({ ...form, password: 'S3cret' }).password).toBe('S3cret');
  });
  it('sends null to clear it, even when something was typed', () => {
    expect(smtpBody({ ...form, password: 'typo', clear_password: true }).password).toBeNull();
  });
  it('keeps secure only when set and drops an empty user', () => {
    expect(smtpBody({ ...form, secure: false, user: '' })).toEqual({
      host: 'smtp.example.com',
      port: 587,
      secure: false,
      from: 'crm@example.com',
    });
  });
});
