import { useState } from 'react';
import { Alert, App, Button, Card, Empty, List, Popconfirm, Progress, Space, Typography, Upload } from 'antd';
import { DeleteOutlined, DownloadOutlined, InboxOutlined, PaperClipOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { useMe } from '../api/queries';
import { canDo } from '../auth/permissions';
import { formatDateTime } from '../format/date';
import { useI18n } from '../i18n/i18n-context';
import type { RecordPanelProps } from '../objects/record-panels';
import { useRenderContext } from '../objects/use-render-context';
import { useDirectoryUsers } from '../sales/forecast-api';
import { invalidateAccountJourneys } from '../success/journeys-api';
import {
  attachmentUrl,
  fileKeys,
  formatSize,
  MAX_ATTACHMENT_BYTES,
  removeAttachment,
  uploadAttachment,
  useAttachments,
} from './api';

interface Uploading {
  name: string;
  percent: number;
}

/**
 * Files on any record: whoever reads the record lists and downloads them; attaching needs edit
 * permission; the uploader or an editor removes one (the server checks all of it again).
 */
export default function AttachmentsPanel({ meta, record }: RecordPanelProps) {
  const { t, locale } = useI18n();
  const ctx = useRenderContext();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe().data;
  const users = useDirectoryUsers().data ?? [];
  const files = useAttachments(meta.api_name, record.id);
  const [uploading, setUploading] = useState<Uploading[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const canEdit = canDo(me, meta.api_name, 'update');
  const reload = () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: fileKeys.ofRecord(meta.api_name, record.id) }),
      // a journey's file result is a file on the customer: its panel shows whether it is still there
      ...(meta.api_name === 'account' ? [invalidateAccountJourneys(qc, record.id)] : []),
    ]);

  const upload = async (file: File) => {
    if (file.size > MAX_ATTACHMENT_BYTES) {
      setProblem(t('files.tooLarge', { name: file.name }));
      return;
    }
    if (file.size === 0) {
      setProblem(t('files.empty', { name: file.name }));
      return;
    }
    setProblem(null);
    setUploading((u) => [...u, { name: file.name, percent: 0 }]);
    try {
      await uploadAttachment(meta.api_name, record.id, file, locale, (percent) =>
        setUploading((u) => u.map((x) => (x.name === file.name ? { ...x, percent } : x))),
      );
      void message.success(t('files.uploaded', { name: file.name }));
      await reload();
    } catch (err) {
      setProblem(
        err instanceof ApiError && err.status === 413
          ? t('files.tooLarge', { name: file.name })
          : `${file.name}: ${errorText(err, t)}`,
      );
    } finally {
      setUploading((u) => u.filter((x) => x.name !== file.name));
    }
  };

  const remove = async (id: string) => {
    try {
      await removeAttachment(id);
      void message.success(t('files.removed'));
      await reload();
    } catch (err) {
      void message.error(errorText(err, t));
    }
  };

  const who = (id: string | null) => (id ? (users.find((u) => u.id === id)?.name ?? '—') : '—');
  const list = files.data ?? [];

  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      data-testid="record-attachments"
      title={
        <Space>
          <PaperClipOutlined />
          {t('files.title')}
          {list.length > 0 && <Typography.Text type="secondary">({list.length})</Typography.Text>}
        </Space>
      }
    >
      {canEdit && (
        <Upload.Dragger
          multiple
          showUploadList={false}
          customRequest={() => undefined}
          beforeUpload={(file) => {
            void upload(file);
            return false;
          }}
          style={{ marginBottom: 8 }}
          data-testid="attachment-drop"
        >
          <p className="ant-upload-drag-icon" style={{ marginBottom: 4 }}>
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('files.drop')}</p>
          <p className="ant-upload-hint">{t('files.limit')}</p>
        </Upload.Dragger>
      )}
      {uploading.map((u) => (
        <div key={u.name} data-testid="attachment-progress">
          <Typography.Text>{u.name}</Typography.Text>
          <Progress percent={u.percent} size="small" />
        </div>
      ))}
      {problem && (
        <Alert
          type="error"
          showIcon
          role="alert"
          title={problem}
          closable={{ onClose: () => setProblem(null) }}
          style={{ marginBottom: 8 }}
        />
      )}
      {files.error ? (
        <Alert type="error" showIcon title={errorText(files.error, t)} />
      ) : (
        <List
          size="small"
          loading={files.isLoading}
          dataSource={list}
          locale={{
            emptyText: (
              <Empty
                image={Empty.PRESENTED_IMAGE_SIMPLE}
                description={canEdit ? t('files.emptyCanAdd') : t('files.emptyList')}
              />
            ),
          }}
          renderItem={(f) => (
            <List.Item
              data-testid="attachment-row"
              actions={[
                <Button
                  key="dl"
                  type="link"
                  size="small"
                  icon={<DownloadOutlined />}
                  href={attachmentUrl(f.id)}
                  download={f.file_name}
                  aria-label={t('files.download', { name: f.file_name })}
                >
                  {t('files.downloadShort')}
                </Button>,
                ...(canEdit || f.created_by === me?.user.id
                  ? [
                      <Popconfirm
                        key="rm"
                        title={t('files.removeConfirm', { name: f.file_name })}
                        okText={t('common.delete')}
                        cancelText={t('common.cancel')}
                        okButtonProps={{ danger: true }}
                        onConfirm={() => remove(f.id)}
                      >
                        <Button
                          type="link"
                          size="small"
                          danger
                          icon={<DeleteOutlined />}
                          aria-label={t('files.remove', { name: f.file_name })}
                        />
                      </Popconfirm>,
                    ]
                  : []),
              ]}
            >
              <List.Item.Meta
                title={
                  <a href={attachmentUrl(f.id)} download={f.file_name}>
                    {f.file_name}
                  </a>
                }
                description={t('files.meta', {
                  size: formatSize(f.size_bytes),
                  by: who(f.created_by),
                  at: formatDateTime(f.created_at, ctx.timeZone, locale),
                })}
              />
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
