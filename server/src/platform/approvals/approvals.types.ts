// What a module sees of the approvals engine: the outcome callback it registers in its ModuleDef
// (`approvals: { <object>: ApprovalHandler }`) and the submission it gets back from submit().
import type { Actor } from '../access/permissions.ts';
import type { TenantDb } from '../db/tenant-db.ts';
import type { RecordsService } from '../records/records.service.ts';
import type { Trigger } from './flow.rules.ts';

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'returned' | 'withdrawn';
export type ApprovalOutcomeKind = Exclude<ApprovalStatus, 'pending'>;

/** The events the engine emits (webhook subscribers may pick them). */
export const APPROVAL_EVENTS = [
  'approval.submitted',
  'approval.approved',
  'approval.completed',
  'approval.rejected',
  'approval.returned',
  'approval.withdrawn',
  'approval.reassigned',
  'approval.commented',
] as const;

export interface ApprovalContext {
  /** the transaction of the approval step: the module's writes commit or roll back with it */
  tx: TenantDb;
  /** who acted: the submitter (submit, withdraw) or the approver whose decision finished it */
  actor: Actor;
  /**
   * A tenant-wide system actor for the module's own follow-up writes (a quote's status): the
   * approver may have no edit right on the record, and the approval is the authority.
   */
  system: Actor;
  records: RecordsService;
  /** adds an event to the same outbox write */
  emit(type: string, payload: Record<string, unknown>): void;
}

export interface ApprovalSubmission {
  instanceId: string;
  processId: string;
  processName: string;
  object: string;
  recordId: string;
  trigger: Trigger;
  submittedBy: string;
}

export interface ApprovalOutcome extends ApprovalSubmission {
  outcome: ApprovalOutcomeKind;
  /** the deciding comment (reject and return always have one) */
  comment: string | null;
}

/** A module's reaction to approvals of one of its objects; both run in the approval's transaction. */
export interface ApprovalHandler {
  /**
   * Before the instance is stored (the record is not locked yet, so the module may still write
   * it, e.g. status → in_approval). Throwing an AppError refuses the submission.
   */
  onSubmitted?(ctx: ApprovalContext, submission: ApprovalSubmission): Promise<void>;
  /** After the instance finished (approved, rejected, returned or withdrawn); the record is unlocked. */
  onOutcome(ctx: ApprovalContext, outcome: ApprovalOutcome): Promise<void>;
}
