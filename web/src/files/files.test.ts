import { expect, it } from 'vitest';
import { formatSize } from './api';

it('formats sizes in binary units', () => {
  expect(formatSize(512)).toBe('512 B');
  expect(formatSize(1536)).toBe('1.5 KB');
  expect(formatSize(25 * 1024 * 1024)).toBe('25 MB');
});
