/** Messages of the attachments panel (zh-CN); en-US keeps the same keys (catalog parity test). */
export const filesZhCN = {
  'files.title': '附件',
  'files.drop': '点击或拖拽文件到这里上传',
  'files.limit': '单个文件不超过 25 MB',
  'files.tooLarge': '“{name}”超过 25 MB，不能上传。请压缩或拆分后再试。',
  'files.empty': '“{name}”是空文件，没有上传。',
  'files.uploaded': '已上传“{name}”',
  'files.removed': '附件已删除',
  'files.removeConfirm': '删除附件“{name}”？',
  'files.remove': '删除 {name}',
  'files.download': '下载 {name}',
  'files.downloadShort': '下载',
  'files.meta': '{size} · {by} · {at}',
  'files.emptyCanAdd': '还没有附件。把合同扫描件、验收单等文件拖到上方即可上传。',
  'files.emptyList': '还没有附件。',
} as const;
