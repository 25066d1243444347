import type { PoolMembersApi } from '../leads/pool-members-modal';
import { accountKeys, fetchAccountPoolMembers, putAccountPoolMembers } from './api';

/** The shared pool-members dialog, pointed at account pools. */
export const ACCOUNT_POOL_MEMBERS: PoolMembersApi = {
  key: accountKeys.members,
  fetch: fetchAccountPoolMembers,
  put: putAccountPoolMembers,
  labels: {
    title: 'accounts.members.title',
    hint: 'accounts.members.hint',
    member: 'accounts.role.member',
    admin: 'accounts.role.admin',
  },
};
