import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Form, Input, List, Modal, Select, Space, Spin, Tag, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { updateRecord } from '../api/endpoints';
import { useMe, useObjectMeta } from '../api/queries';
import { useI18n } from '../i18n/i18n-context';
import { FieldInput } from '../objects/field-input';
import { isActivityType, type ActivityType } from '../activities/activity-logic';
import { useActivityQuickAdd } from '../activities/log-activity-button';
import { toApiValue, toFormValue, type FormValue } from '../objects/field-values';
import { fetchGate, moveStage, salesKeys, type SalesStage } from './api';
import { blockers, moveRequest, planGate, problemsFromError, type GateProblem } from './gate-logic';

export interface StageDialogTarget {
  id: string;
  name: string;
  /** current stage key */
  stage: string;
  /** the stage to move to; without one the dialog first asks for it (keyboard / mobile path) */
  to: string | null;
}

interface Props {
  target: StageDialogTarget | null;
  /** the deal's pipeline stages, in order */
  stages: SalesStage[];
  onClose: () => void;
  onMoved: () => void | Promise<void>;
}

/**
 * Every stage move goes through this dialog: it reads what the target stage requires (the
 * server's gate), lets the user fill missing fields right here, points to the activities still
 * to log, explains pipeline rules, asks lost/invalid reasons, and shows the server's refusal.
 */
export function StageDialog({ target, stages, onClose, onMoved }: Props) {
  const { t, pick } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe().data;
  const { meta } = useObjectMeta('opportunity');
  const activityMeta = useObjectMeta('activity').meta;
  const [to, setTo] = useState<string | null>(null);
  const [values, setValues] = useState<Record<string, FormValue>>({});
  const [reason, setReason] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [refused, setRefused] = useState<string[] | null>(null);
  const [saving, setSaving] = useState(false);
  const [logType, setLogType] = useState<ActivityType | undefined>(undefined);

  useEffect(() => {
    setTo(target?.to ?? null);
    setValues({});
    setReason(null);
    setNote('');
    setRefused(null);
  }, [target]);

  const gate = useQuery({
    queryKey: salesKeys.gate(target?.id ?? '', to ?? ''),
    queryFn: () => fetchGate(target?.id ?? '', to ?? ''),
    enabled: !!target && !!to,
    staleTime: 0,
    retry: false,
  });
  // a required activity is logged right from the dialog; the gate is read again afterwards
  const quick = useActivityQuickAdd({
    defaultType: logType,
    onLogged: async () => {
      setRefused(null);
      await gate.refetch();
    },
  });
  const toStage = stages.find((s) => s.key === to);
  const plan = useMemo(() => (gate.data ? planGate(gate.data, toStage?.type) : null), [gate.data, toStage]);
  const fieldMeta = (name: string) => meta?.fields.find((f) => f.api_name === name);
  const apiValues: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    const f = fieldMeta(k);
    apiValues[k] = f ? toApiValue(f, v) : v;
  }
  const input = { values: apiValues, reason, note };
  const blocking = plan ? blockers(plan, input) : [];
  const cannotFixHere = blocking.some((b) => b.kind === 'rule' || b.kind === 'activity');

  const activityLabel = (type: string) => {
    const opt = activityMeta?.fields
      .find((f) => f.api_name === 'type')
      ?.options?.find((o) => o.value === type);
    return opt ? pick(opt.label) : type;
  };
  const fieldLabel = (name: string) => {
    const f = fieldMeta(name);
    return f ? pick(f.label) : name;
  };
  const ruleText = (code: string) =>
    code === 'no_skip'
      ? t('sales.stage.rule.no_skip')
      : code === 'no_back'
        ? t('sales.stage.rule.no_back')
        : code === 'reopen_first'
          ? t('sales.stage.rule.reopen_first')
          : t('sales.stage.rule.other', { code });
  const problemText = (p: GateProblem) =>
    p.kind === 'field'
      ? fieldLabel(p.field)
      : p.kind === 'activity'
        ? activityLabel(p.type)
        : p.kind === 'reason'
          ? t('sales.stage.reason')
          : ruleText(p.code);

  const submit = async () => {
    if (!target || !to || !plan) return;
    setSaving(true);
    setRefused(null);
    try {
      const req = moveRequest(to, plan, input);
      if (req.kind === 'stage') await moveStage(target.id, req.body);
      else await updateRecord('opportunity', target.id, req.body);
      message.success(t('sales.stage.moved', { stage: toStage ? pick(toStage.name) : to }));
      await qc.invalidateQueries({ queryKey: ['records', 'opportunity'] });
      await onMoved();
      onClose();
    } catch (err) {
      if (err instanceof ApiError && err.status === 422 && err.details.length) {
        const { problems, messages } = problemsFromError(err.details);
        setRefused(problems.length ? problems.map(problemText) : messages);
        void gate.refetch();
      } else {
        setRefused([errorText(err, t)]);
      }
    } finally {
      setSaving(false);
    }
  };

  const title = toStage ? t('sales.stage.title', { stage: pick(toStage.name) }) : t('sales.stage.pickTitle');
  const choices = stages.filter((s) => s.key !== target?.stage);

  return (
    <Modal
      open={!!target}
      title={title}
      onCancel={onClose}
      destroyOnHidden
      okText={t('sales.stage.submit')}
      cancelText={t('common.cancel')}
      onOk={() => void submit()}
      okButtonProps={{ disabled: !plan || blocking.length > 0, loading: saving }}
      width={560}
    >
      <div data-testid="stage-dialog">
        {target && (
          <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
            {target.name}
          </Typography.Paragraph>
        )}
        {!target?.to && (
          <Form layout="vertical">
            <Form.Item label={t('sales.stage.pick')} htmlFor="stage-dialog-to">
              <Select
                id="stage-dialog-to"
                autoFocus
                value={to ?? undefined}
                onChange={(v: string) => {
                  setTo(v);
                  setValues({});
                  setRefused(null);
                }}
                options={choices.map((s) => ({ value: s.key, label: pick(s.name) }))}
              />
            </Form.Item>
          </Form>
        )}
        {to && gate.isLoading && (
          <Space>
            <Spin size="small" /> {t('sales.stage.checking')}
          </Space>
        )}
        {gate.error && <Alert type="error" showIcon title={errorText(gate.error, t)} />}
        {plan && (
          <Space orientation="vertical" style={{ width: '100%' }} size="middle">
            {plan.fields.length + plan.activities.length + plan.rules.length === 0 && !plan.needsReason && (
              <Alert type="success" showIcon title={t('sales.stage.ready')} />
            )}
            {plan.rules.map((code) => (
              <Alert key={code} type="error" showIcon title={ruleText(code)} />
            ))}
            {plan.activities.length > 0 && (
              <div data-testid="gate-activities">
                <Typography.Text strong>{t('sales.stage.activities')}</Typography.Text>
                <List
                  size="small"
                  dataSource={plan.activities}
                  renderItem={(type) => (
                    <List.Item
                      actions={
                        quick.canLog && target
                          ? [
                              <Button
                                key="log"
                                size="small"
                                data-testid={`gate-log-${type}`}
                                onClick={() => {
                                  setLogType(isActivityType(type) ? type : undefined);
                                  quick.open({ object: 'opportunity', id: target.id, name: target.name });
                                }}
                              >
                                {t('sales.stage.logActivity')}
                              </Button>,
                            ]
                          : []
                      }
                    >
                      <Tag color="orange">{activityLabel(type)}</Tag>
                    </List.Item>
                  )}
                />
              </div>
            )}
            {plan.fields.length > 0 && (
              <Form layout="vertical" data-testid="gate-fields">
                <Typography.Text strong>{t('sales.stage.fields')}</Typography.Text>
                {plan.fields.map((name) => {
                  const f = fieldMeta(name);
                  if (!f) return null;
                  return (
                    <Form.Item key={name} label={pick(f.label)} htmlFor={`gate-${name}`} required>
                      <FieldInput
                        field={f}
                        id={`gate-${name}`}
                        value={values[name] ?? toFormValue(f, null, me?.tenant.currency ?? 'CNY')}
                        onChange={(v) => setValues((prev) => ({ ...prev, [name]: v }))}
                      />
                    </Form.Item>
                  );
                })}
              </Form>
            )}
            {plan.needsReason && (
              <Form layout="vertical">
                <Form.Item label={t('sales.stage.reason')} htmlFor="gate-reason" required>
                  <Select
                    id="gate-reason"
                    value={reason ?? undefined}
                    onChange={(v: string) => setReason(v)}
                    placeholder={t('sales.stage.reasonRequired')}
                    options={plan.reasons.map((r) => ({ value: r, label: r }))}
                  />
                </Form.Item>
                <Form.Item label={t('sales.stage.note')} htmlFor="gate-note">
                  <Input.TextArea
                    id="gate-note"
                    value={note}
                    onChange={(e) => setNote(e.target.value)}
                    autoSize={{ minRows: 2, maxRows: 6 }}
                    maxLength={2000}
                  />
                </Form.Item>
              </Form>
            )}
            {cannotFixHere && (
              <Space wrap>
                <Typography.Text type="secondary">{t('sales.stage.blocked')}</Typography.Text>
                <Button size="small" onClick={() => void gate.refetch()}>
                  {t('common.retry')}
                </Button>
              </Space>
            )}
          </Space>
        )}
        {refused && (
          <Alert
            style={{ marginTop: 12 }}
            type="error"
            showIcon
            data-testid="gate-refused"
            title={t('sales.stage.refused')}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                {refused.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            }
          />
        )}
      </div>
      {quick.element}
    </Modal>
  );
}
