import { useQuery } from '@tanstack/react-query';
import { apiFetch, buildQuery } from '../api/http-client';
import type { JsonBody, RecordData } from '../api/types';
import type { components } from '../api/schema';

/** Answers of the sales (opportunities) API, generated from its OpenAPI document. */
type Schemas = components['schemas'];

export type SalesStage = Schemas['SalesStage'];
export type SalesPipeline = Schemas['SalesPipeline'];
export type SalesSettings = Schemas['SalesSettings'];
export type StageGate = Schemas['StageGate'];
export type OpportunityDuplicates = Schemas['OpportunityDuplicates'];
export type OpportunityContact = Schemas['OpportunityContact'];
export type OpportunityTeamMember = Schemas['OpportunityTeamMember'];
export type OpportunityLine = Schemas['OpportunityLine'];
export type KanbanBoard = Schemas['KanbanBoard'];
export type KanbanColumn = KanbanBoard['columns'][number];
export type KanbanCard = KanbanColumn['cards'][number];
export type StageType = SalesStage['type'];
export type MoveBody = JsonBody<'/api/v1/sales/opportunities/{id}/stage', 'post'>;

const base = '/api/v1/sales';
const enc = encodeURIComponent;

export const salesKeys = {
  pipelines: ['sales', 'pipelines'] as const,
  settings: ['sales', 'settings'] as const,
  // under 'records/opportunity' so record writes elsewhere refresh the board as well
  board: (pipelineId: string | null, ownerId: string | null) =>
    ['records', 'opportunity', 'board', pipelineId ?? '', ownerId ?? ''] as const,
  gate: (id: string, to: string) => ['records', 'opportunity', 'gate', id, to] as const,
  contacts: (id: string) => ['records', 'opportunity', 'contacts', id] as const,
  team: (id: string) => ['records', 'opportunity', 'team', id] as const,
  lines: (id: string) => ['records', 'opportunity', 'lines', id] as const,
};

export const fetchPipelines = () =>
  apiFetch<{ data: SalesPipeline[] }>(`${base}/pipelines`).then((r) => r.data);
export const savePipelines = (pipelines: unknown[]) =>
  apiFetch<{ data: SalesPipeline[] }>(`${base}/pipelines`, { method: 'PUT', body: { pipelines } }).then(
    (r) => r.data,
  );
export const fetchSalesSettings = () =>
  apiFetch<{ data: SalesSettings }>(`${base}/settings`).then((r) => r.data);
export const saveSalesSettings = (body: SalesSettings) =>
  apiFetch<{ data: SalesSettings }>(`${base}/settings`, { method: 'PUT', body }).then((r) => r.data);
export const fetchBoard = (pipelineId: string | null, ownerId: string | null) =>
  apiFetch<{ data: KanbanBoard }>(
    `${base}/kanban${buildQuery({ pipeline_id: pipelineId, owner_id: ownerId, limit: 50 })}`,
  ).then((r) => r.data);
export const fetchGate = (id: string, to: string) =>
  apiFetch<{ data: StageGate }>(`${base}/opportunities/${enc(id)}/gate${buildQuery({ to })}`).then(
    (r) => r.data,
  );
export const moveStage = (id: string, body: MoveBody) =>
  apiFetch<{ data: RecordData }>(`${base}/opportunities/${enc(id)}/stage`, { method: 'POST', body }).then(
    (r) => r.data,
  );
export const restoreOpportunity = (id: string) =>
  apiFetch<{ data: RecordData }>(`${base}/opportunities/${enc(id)}/restore`, {
    method: 'POST',
    body: {},
  }).then((r) => r.data);
export const fetchDuplicates = (q: { account_id: string; type?: string; products?: string }) =>
  apiFetch<{ data: OpportunityDuplicates }>(`${base}/opportunities/duplicates${buildQuery(q)}`).then(
    (r) => r.data,
  );
export const fetchContacts = (id: string) =>
  apiFetch<{ data: OpportunityContact[] }>(`${base}/opportunities/${enc(id)}/contacts`).then((r) => r.data);
export const saveContacts = (id: string, contacts: { contact_id: string; role?: string }[]) =>
  apiFetch<{ data: OpportunityContact[] }>(`${base}/opportunities/${enc(id)}/contacts`, {
    method: 'PUT',
    body: { contacts },
  }).then((r) => r.data);
export const fetchTeam = (id: string) =>
  apiFetch<{ data: OpportunityTeamMember[] }>(`${base}/opportunities/${enc(id)}/team`).then((r) => r.data);
export const saveTeam = (id: string, team: { user_id: string; role?: string }[]) =>
  apiFetch<{ data: OpportunityTeamMember[] }>(`${base}/opportunities/${enc(id)}/team`, {
    method: 'PUT',
    body: { team },
  }).then((r) => r.data);
export const fetchLines = (id: string) =>
  apiFetch<{ data: OpportunityLine[] }>(`${base}/opportunities/${enc(id)}/lines`).then((r) => r.data);
export const saveLines = (
  id: string,
  lines: { product: string; quantity: number; unit_price: number; currency: string }[],
) =>
  apiFetch<{ data: OpportunityLine[] }>(`${base}/opportunities/${enc(id)}/lines`, {
    method: 'PUT',
    body: { lines },
  }).then((r) => r.data);

export const usePipelines = () =>
  useQuery({ queryKey: salesKeys.pipelines, queryFn: fetchPipelines, staleTime: 60_000 });
export const useSalesSettings = () =>
  useQuery({ queryKey: salesKeys.settings, queryFn: fetchSalesSettings, staleTime: 60_000 });

export interface DirectoryEntry {
  id: string;
  name: string;
  email: string;
}
/** The tenant's active users (team pickers); every signed-in user may read it. */
export const useDirectory = () =>
  useQuery({
    queryKey: ['sales', 'users'],
    queryFn: () => apiFetch<{ data: DirectoryEntry[] }>('/api/v1/users').then((r) => r.data),
    staleTime: 300_000,
  });
