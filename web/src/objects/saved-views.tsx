import { useState } from 'react';
import { App, Button, Checkbox, Form, Input, Modal, Select, Space } from 'antd';
import { SaveOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { createView } from '../api/endpoints';
import { keys, useMe, useViews } from '../api/queries';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import type { SavedView, ViewConfig } from '../api/types';
import { useI18n } from '../i18n/i18n-context';

interface Props {
  object: string;
  activeId: string | null;
  current: ViewConfig;
  onSelect: (view: SavedView | null) => void;
}

export function SavedViews({ object, activeId, current, onSelect }: Props) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const me = useMe().data;
  const views = useViews(object);
  const queryClient = useQueryClient();
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<{ name: string; shared: boolean }>();
  const list = views.data ?? [];
  const mine = list.filter((v) => v.owner_id === me?.user.id);
  const shared = list.filter((v) => v.owner_id !== me?.user.id);

  const save = async () => {
    const { name, shared: isShared } = await form.validateFields();
    try {
      const view = await createView({
        object,
        name: name.trim(),
        shared: isShared || undefined,
        config: { ...current },
      });
      await queryClient.invalidateQueries({ queryKey: keys.views(object) });
      void message.success(t('views.saved', { name: view.name }));
      setSaving(false);
      form.resetFields();
      onSelect(view);
    } catch (err) {
      if (err instanceof ApiError && err.fieldIssue('name')) {
        form.setFields([{ name: 'name', errors: [err.fieldIssue('name') ?? ''] }]);
      } else void message.error(errorText(err, t));
    }
  };

  return (
    <Space>
      <Select
        aria-label={t('views.label')}
        data-testid="view-select"
        style={{ minWidth: 180 }}
        value={activeId ?? ''}
        // onSelect, not onChange: picking the active view again must re-apply it after edits.
        onSelect={(id: string) => onSelect(list.find((v) => v.id === id) ?? null)}
        options={[
          { value: '', label: t('views.all') },
          ...(mine.length
            ? [{ label: t('views.mine'), options: mine.map((v) => ({ value: v.id, label: v.name })) }]
            : []),
          ...(shared.length
            ? [{ label: t('views.shared'), options: shared.map((v) => ({ value: v.id, label: v.name })) }]
            : []),
        ]}
      />
      <Button icon={<SaveOutlined />} onClick={() => setSaving(true)}>
        {t('views.save')}
      </Button>
      <Modal
        open={saving}
        title={t('views.save')}
        onCancel={() => setSaving(false)}
        onOk={() => void save()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={() => void save()} initialValues={{ shared: false }}>
          <Form.Item
            name="name"
            label={t('views.name')}
            rules={[{ required: true, whitespace: true, message: t('views.nameRequired') }]}
          >
            <Input autoFocus maxLength={80} />
          </Form.Item>
          {me?.role.is_admin && (
            <Form.Item name="shared" valuePropName="checked">
              <Checkbox>{t('views.shareWithTeam')}</Checkbox>
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Space>
  );
}
