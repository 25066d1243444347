import type { Labels } from '../i18n/i18n.ts';

/** Approval errors and field issues (spread into platform/i18n/messages.ts). */
export const approvalMessages = {
  record_locked: {
    'zh-CN': '记录正在审批中，审批结束前不能修改或删除',
    'en-US': 'The record is in approval and cannot be changed or deleted until the approval ends',
  },
  not_current_approver: {
    'zh-CN': '你不是该审批当前节点的待审批人',
    'en-US': 'You are not a pending approver of the current step of this approval',
  },
  not_submitter: {
    'zh-CN': '只有提交人可以撤回审批',
    'en-US': 'Only the submitter can withdraw an approval',
  },
  not_participant: {
    'zh-CN': '只有提交人和审批人可以评论',
    'en-US': 'Only the submitter and the approvers can comment',
  },
  approval_not_pending: { 'zh-CN': '该审批已结束', 'en-US': 'This approval has already ended' },
  approval_pending_exists: {
    'zh-CN': '该记录已有进行中的审批',
    'en-US': 'The record already has a pending approval',
  },
  withdraw_not_allowed: {
    'zh-CN': '当前节点已有审批人处理，不能撤回',
    'en-US': 'An approver has already decided on the current step; it can no longer be withdrawn',
  },
  no_approval_process: {
    'zh-CN': '没有适用于该记录的审批流程',
    'en-US': 'No approval process applies to this record',
  },
  approval_needs_user: {
    'zh-CN': '审批操作需要以用户身份进行',
    'en-US': 'Approvals need a user (an API key created without one cannot act)',
  },
  process_in_use: {
    'zh-CN': '该审批流程已有审批记录，不能删除，可以停用',
    'en-US': 'The process has approvals on record and cannot be deleted; deactivate it instead',
  },
  approver_not_found: {
    'zh-CN': '「{name}」找不到审批人',
    'en-US': 'finds no approver for “{name}”',
  },
  already_approver: {
    'zh-CN': '已是该节点的审批人',
    'en-US': 'is already an approver of this step',
  },
  is_submitter: { 'zh-CN': '不能是提交人本人', 'en-US': 'cannot be the submitter' },
} as const satisfies Record<string, Labels>;
