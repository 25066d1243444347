import { useQuery } from '@tanstack/react-query';
import { apiFetch, ApiError, readCsrfToken } from '../api/http-client';
import type { components } from '../api/schema';
import type { Locale } from '../api/types';

/** A file on a record (docs/API.md §20). */
export type Attachment = components['schemas']['Attachment'];

/** The server refuses larger files with 413; checked first so nobody waits for a doomed upload. */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

const enc = encodeURIComponent;

// Under 'records/<object>' so refreshing a record refreshes its files too.
export const fileKeys = {
  ofRecord: (object: string, id: string) => ['records', object, 'attachments', id] as const,
};

export const attachmentUrl = (id: string) => `/api/v1/attachments/${enc(id)}`;

export const useAttachments = (object: string, recordId: string) =>
  useQuery({
    queryKey: fileKeys.ofRecord(object, recordId),
    queryFn: () =>
      apiFetch<{ data: Attachment[] }>(`/api/v1/objects/${enc(object)}/${enc(recordId)}/attachments`).then(
        (r) => r.data,
      ),
  });

export const removeAttachment = (id: string) => apiFetch<void>(attachmentUrl(id), { method: 'DELETE' });

function isErrorBody(v: unknown): v is {
  error: { code: string; message: string; key?: string; details?: { field?: string; issue: string }[] };
} {
  return (
    typeof v === 'object' && v !== null && 'error' in v && typeof v.error === 'object' && v.error !== null
  );
}

function isDataOf(v: unknown): v is { data: Attachment } {
  return typeof v === 'object' && v !== null && 'data' in v && typeof v.data === 'object' && v.data !== null;
}

/** Uploads one file with progress (fetch cannot report it, so XMLHttpRequest). */
export function uploadAttachment(
  object: string,
  recordId: string,
  file: File,
  locale: Locale,
  onProgress: (percent: number) => void,
): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/objects/${enc(object)}/${enc(recordId)}/attachments`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Accept-Language', locale);
    xhr.setRequestHeader('X-CSRF-Token', readCsrfToken());
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', '', []));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && isDataOf(body)) resolve(body.data);
      else if (isErrorBody(body))
        reject(
          new ApiError(
            xhr.status,
            body.error.code,
            body.error.message,
            body.error.details ?? [],
            body.error.key,
          ),
        );
      else reject(new ApiError(xhr.status, xhr.status === 413 ? 'payload_too_large' : 'internal', '', []));
    };
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

/** 1536 → "1.5 KB": binary units, one decimal under 10. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  const shown = i === 0 || v >= 10 ? Math.round(v).toString() : v.toFixed(1);
  return `${shown} ${units[i]}`;
}
