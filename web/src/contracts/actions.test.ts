import { expect, it } from 'vitest';
import { contractActions } from './actions';

it('offers the actions the contract status allows (docs/CASH.md)', () => {
  expect(contractActions('draft', null)).toEqual(['submit', 'sign', 'esign']);
  expect(contractActions('draft', 'sent')).toEqual(['submit', 'sign']);
  expect(contractActions('in_approval', null)).toEqual(['sign', 'esign']);
  expect(contractActions('signed', 'signed')).toEqual(['archive', 'terminate']);
  expect(contractActions('archived', null)).toEqual(['terminate']);
  expect(contractActions('terminated', null)).toEqual([]);
});
