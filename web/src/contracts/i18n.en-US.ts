import type { contractsZhCN } from './i18n.zh-CN';

/** Messages of the contract actions (en-US); the catalog test checks parity with zh-CN. */
export const contractsEnUS: Record<keyof typeof contractsZhCN, string> = {
  'contracts.statusNow': 'Contract status: {status}',
  'contracts.esignSent': 'sent for e-signature',
  'contracts.submit': 'Submit contract for approval',
  'contracts.sign': 'Sign',
  'contracts.signTitle': 'Mark the contract signed',
  'contracts.signDate': 'Signing date',
  'contracts.esign': 'Send for e-signature',
  'contracts.archive': 'Archive',
  'contracts.terminate': 'Terminate',
  'contracts.terminateTitle': 'Terminate the contract',
  'contracts.reason': 'Reason',
  'contracts.reasonHelp': 'Required; kept in the contract history',
  'contracts.notRequired':
    'No approval process applies: this contract needs no approval and can be signed now.',
  'contracts.done.submit': 'Submitted for approval; sign it once approved',
  'contracts.done.sign': 'Contract signed',
  'contracts.done.esign': 'Sent for e-signature; the result comes back automatically',
  'contracts.done.archive': 'Contract archived',
  'contracts.done.terminate': 'Contract terminated',
  'contracts.err.approvalRequired':
    'This contract needs approval before it can be signed: click "Submit contract for approval" first, then sign once approved.',
  'contracts.err.approvalPending':
    'The contract approval has not passed yet; sign it once approved. Its progress is under Approvals below.',
  'contracts.err.status':
    'The contract is "{status}": this action is not possible. The page has been refreshed.',
};
