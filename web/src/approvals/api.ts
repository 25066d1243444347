import { useQuery, type QueryClient } from '@tanstack/react-query';
import { apiFetch, buildQuery } from '../api/http-client';
import type { components } from '../api/schema';

/** Answers of the approvals API (docs/API.md §19), generated from its OpenAPI document. */
type Schemas = components['schemas'];

export type ApprovalProcess = Schemas['ApprovalProcess'];
export type ApprovalNode = Schemas['ApprovalNode'];
export type ApprovalInstance = Schemas['ApprovalInstance'];
export type ApprovalInboxItem = Schemas['ApprovalInboxItem'];
export type ApprovalTask = Schemas['ApprovalTask'];
export type ApprovalStep = Schemas['ApprovalStep'];
export type DepartmentHead = Schemas['ApprovalDepartmentHead'];
export type InstanceStatus = ApprovalInstance['status'];
export type NodeKind = ApprovalNode['kind'];
export type Trigger = ApprovalProcess['triggers'][number];

/** One answer of a batch approve, in the order the tasks were sent. */
export interface BatchResult {
  task_id: string;
  ok: boolean;
  instance_id: string | null;
  status: string | null;
  error: { code: string; key: string; message: string } | null;
}

/** What the designer sends: the process without its server-kept columns. */
export type ProcessBody = Omit<ApprovalProcess, 'id' | 'version' | 'created_at' | 'updated_at'> & {
  version?: number;
};

const A = '/api/v1/approvals';
const enc = encodeURIComponent;

// Under 'records/<object>' for a record's instances, so a record write refreshes them too.
export const apprKeys = {
  all: ['approvals'] as const,
  inbox: ['approvals', 'inbox'] as const,
  submissions: (status: string) => ['approvals', 'submissions', status] as const,
  instance: (id: string) => ['approvals', 'instance', id] as const,
  ofRecord: (object: string, id: string) => ['records', object, 'approvals', id] as const,
  processes: (object: string) => ['approvals', 'processes', object] as const,
  heads: ['approvals', 'department-heads'] as const,
};

/** After any decision: inboxes, submissions, the record's history and the record itself. */
export async function refreshApprovals(qc: QueryClient, object?: string): Promise<void> {
  await Promise.all([
    qc.invalidateQueries({ queryKey: apprKeys.all }),
    object
      ? qc.invalidateQueries({ queryKey: ['records', object] })
      : qc.invalidateQueries({ queryKey: ['records'] }),
  ]);
}

const data = <T>(p: Promise<{ data: T }>): Promise<T> => p.then((r) => r.data);

export const fetchInbox = () => data(apiFetch<{ data: ApprovalInboxItem[] }>(`${A}/inbox`));
export const fetchSubmissions = (status: string) =>
  data(apiFetch<{ data: ApprovalInstance[] }>(`${A}/submissions${buildQuery({ status })}`));
export const fetchInstance = (id: string) =>
  data(apiFetch<{ data: ApprovalInstance }>(`${A}/instances/${enc(id)}`));
export const fetchRecordInstances = (object: string, recordId: string) =>
  data(
    apiFetch<{ data: ApprovalInstance[] }>(`${A}/instances${buildQuery({ object, record_id: recordId })}`),
  );

export const submitRecord = (object: string, recordId: string) =>
  data(
    apiFetch<{ data: ApprovalInstance }>(`${A}/submit`, {
      method: 'POST',
      body: { object, record_id: recordId },
    }),
  );

export type Decision = 'approve' | 'reject' | 'return' | 'withdraw' | 'comment';

export const decide = (instanceId: string, action: Decision, comment: string) =>
  data(
    apiFetch<{ data: ApprovalInstance }>(`${A}/instances/${enc(instanceId)}/${action}`, {
      method: 'POST',
      body: comment.trim() ? { comment: comment.trim() } : {},
    }),
  );

export const reassign = (instanceId: string, toUserId: string, comment: string) =>
  data(
    apiFetch<{ data: ApprovalInstance }>(`${A}/instances/${enc(instanceId)}/reassign`, {
      method: 'POST',
      body: { to_user_id: toUserId, ...(comment.trim() ? { comment: comment.trim() } : {}) },
    }),
  );

export const batchApprove = (taskIds: string[], comment: string) =>
  data(
    apiFetch<{ data: BatchResult[] }>(`${A}/tasks/batch-approve`, {
      method: 'POST',
      body: { task_ids: taskIds, ...(comment.trim() ? { comment: comment.trim() } : {}) },
    }),
  );

export const fetchProcesses = (object: string) =>
  data(apiFetch<{ data: ApprovalProcess[] }>(`${A}/processes${buildQuery({ object })}`));
export const createProcess = (body: ProcessBody) =>
  data(apiFetch<{ data: ApprovalProcess }>(`${A}/processes`, { method: 'POST', body }));
export const updateProcess = (id: string, body: ProcessBody) =>
  data(apiFetch<{ data: ApprovalProcess }>(`${A}/processes/${enc(id)}`, { method: 'PUT', body }));
export const deleteProcess = (id: string) =>
  apiFetch<void>(`${A}/processes/${enc(id)}`, { method: 'DELETE' });

export const fetchDepartmentHeads = () => data(apiFetch<{ data: DepartmentHead[] }>(`${A}/department-heads`));
export const setDepartmentHead = (departmentId: string, headUserId: string | null) =>
  apiFetch<void>(`${A}/department-heads/${enc(departmentId)}`, {
    method: 'PUT',
    body: { head_user_id: headUserId },
  });

/** My pending tasks; the nav badge polls it so a new task shows without a reload. */
export const useInbox = () =>
  useQuery({ queryKey: apprKeys.inbox, queryFn: fetchInbox, staleTime: 30_000, refetchInterval: 60_000 });

export const useRecordInstances = (object: string, recordId: string) =>
  useQuery({
    queryKey: apprKeys.ofRecord(object, recordId),
    queryFn: () => fetchRecordInstances(object, recordId),
  });
