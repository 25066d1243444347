// Import jobs (docs/API.md section 9).
import { apiFetch } from './http-client';

const enc = encodeURIComponent;

export type ImportPolicy = 'create' | 'skip' | 'update';

export interface ImportError {
  row: number;
  field: string | null;
  column: string | null;
  issue: string;
}

export interface ImportJob {
  id: string;
  object: string;
  file_name: string;
  format: string;
  headers: string[];
  mapping: Record<string, string>;
  policy: ImportPolicy;
  match_field: string | null;
  status: 'uploaded' | 'validated' | 'running' | 'completed' | 'failed' | string;
  total_rows: number | null;
  processed_rows: number;
  created_rows: number;
  updated_rows: number;
  skipped_rows: number;
  failed_rows: number;
  errors: ImportError[];
  has_failed_file: boolean;
  created_at: string;
  finished_at: string | null;
}

export interface ImportPatchBody {
  mapping: Record<string, string>;
  policy: ImportPolicy;
  match_field: string | null;
}

const job = (p: Promise<{ data: ImportJob }>) => p.then((r) => r.data);

export function uploadImport(object: string, file: File): Promise<ImportJob> {
  const form = new FormData();
  form.append('file', file);
  return job(apiFetch(`/api/v1/objects/${enc(object)}/imports`, { method: 'POST', body: form }));
}
export const getImport = (id: string) => job(apiFetch(`/api/v1/imports/${enc(id)}`));
export const patchImport = (id: string, body: ImportPatchBody) =>
  job(apiFetch(`/api/v1/imports/${enc(id)}`, { method: 'PATCH', body }));
export const dryRunImport = (id: string) =>
  job(apiFetch(`/api/v1/imports/${enc(id)}/dry-run`, { method: 'POST' }));
export const runImport = (id: string) => job(apiFetch(`/api/v1/imports/${enc(id)}/run`, { method: 'POST' }));
export const failedRowsUrl = (id: string) => `/api/v1/imports/${enc(id)}/failed-rows`;
