import type { filesZhCN } from './i18n.zh-CN';

/** Messages of the attachments panel (en-US); the catalog test checks parity with zh-CN. */
export const filesEnUS: Record<keyof typeof filesZhCN, string> = {
  'files.title': 'Attachments',
  'files.drop': 'Click or drag files here to upload',
  'files.limit': 'Up to 25 MB per file',
  'files.tooLarge':
    '"{name}" is larger than 25 MB and cannot be uploaded. Compress or split it and try again.',
  'files.empty': '"{name}" is empty and was not uploaded.',
  'files.uploaded': 'Uploaded "{name}"',
  'files.removed': 'Attachment removed',
  'files.removeConfirm': 'Remove the attachment "{name}"?',
  'files.remove': 'Remove {name}',
  'files.download': 'Download {name}',
  'files.downloadShort': 'Download',
  'files.meta': '{size} · {by} · {at}',
  'files.emptyCanAdd': 'No attachments yet. Drop contract scans, acceptance forms and other files above.',
  'files.emptyList': 'No attachments yet.',
};
