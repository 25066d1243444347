import { useEffect, useRef, useState } from 'react';
import {
  Alert,
  App,
  Button,
  Checkbox,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Row,
  Segmented,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { getRecord } from '../api/endpoints';
import { keys, useMe, useObjectMeta } from '../api/queries';
import type { RecordData } from '../api/types';
import { canDo } from '../auth/permissions';
import { useI18n } from '../i18n/i18n-context';
import { RecordSelect } from '../objects/record-select';
import { recordTitle } from '../objects/field-values';
import {
  ACTIVITY_TYPES,
  activityBody,
  dialogFieldOf,
  followUpTaskBody,
  isActivityType,
  nextSubject,
  prefillSubject,
  type ActivityTarget,
  type ActivityType,
  type DialogField,
} from './activity-logic';
import { createActivity, createTask, invalidateAfterWrite, RELATED_OBJECTS, type RelatedObject } from './api';
import { OBJECT_LABEL, TYPE_ICON, TYPE_LABEL } from './type-icons';

export interface ActivityQuickAddProps {
  open: boolean;
  /** The record the activity is about; without one the dialog asks the user to pick it. */
  target?: ActivityTarget | null;
  /** Type selected when the dialog opens (default `call`). */
  defaultType?: ActivityType;
  onClose: () => void;
  /** After the activity (and its follow-up task) were saved. */
  onLogged?: (activity: RecordData) => void | Promise<void>;
}

/**
 * The quick-add dialog for a follow-up (跟进记录): type, subject, notes, outcome, next step, when,
 * duration, an optional check-in for visits and an optional follow-up task about the same records.
 */
export function ActivityQuickAdd({ open, target, defaultType, onClose, onLogged }: ActivityQuickAddProps) {
  const { t } = useI18n();
  return (
    <Modal
      open={open}
      title={
        target?.name
          ? t('activities.quickAdd.titleFor', { name: target.name })
          : t('activities.quickAdd.title')
      }
      onCancel={onClose}
      footer={null}
      destroyOnHidden
      width={620}
      data-testid="activity-quick-add"
    >
      {open && (
        <QuickAddForm
          target={target ?? null}
          defaultType={defaultType}
          onClose={onClose}
          onLogged={onLogged}
        />
      )}
    </Modal>
  );
}

interface FormShape {
  related_object?: RelatedObject;
  related?: string | null;
  type: ActivityType;
  subject?: string;
  notes?: string;
  outcome?: string;
  next_step?: string;
  occurred_at?: Dayjs | null;
  duration_minutes?: number | null;
  with_task?: boolean;
  task_subject?: string;
  task_due_at?: Dayjs | null;
}

interface Checkin {
  latitude: number;
  longitude: number;
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

function QuickAddForm({
  target,
  defaultType,
  onClose,
  onLogged,
}: {
  target: ActivityTarget | null;
  defaultType?: ActivityType;
  onClose: () => void;
  onLogged?: (activity: RecordData) => void | Promise<void>;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe().data;
  const [form] = Form.useForm<FormShape>();
  const pickable = RELATED_OBJECTS.filter((o) => canDo(me, o, 'read'));
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // Set once the activity is stored: a retry after a failed task creates only the task.
  const [saved, setSaved] = useState<RecordData | null>(null);
  const [checkin, setCheckin] = useState<Checkin | null>(null);
  const [locating, setLocating] = useState(false);
  const [checkinError, setCheckinError] = useState<string | null>(null);

  const type = Form.useWatch('type', form) ?? defaultType ?? 'call';
  const relatedObject: RelatedObject = Form.useWatch('related_object', form) ?? pickable[0] ?? 'account';
  const relatedId = Form.useWatch('related', form);
  const withTask = Form.useWatch('with_task', form) === true;

  // The picked record's name, for the subject prefill.
  const { meta: pickedMeta } = useObjectMeta(relatedObject);
  const picked = useQuery({
    queryKey: [...keys.record(relatedObject, relatedId ?? ''), 'title'],
    queryFn: () => getRecord(relatedObject, relatedId ?? '', []),
    enabled: !target && !!relatedId,
  });
  // The name shown in the picker when it was chosen: the subject follows the pick at once, even
  // while the record itself is still loading on a slow connection.
  const [pickedName, setPickedName] = useState<{ id: string; name: string } | null>(null);
  const recordName = target
    ? (target.name ?? null)
    : relatedId && pickedName?.id === relatedId
      ? pickedName.name
      : relatedId && picked.data
        ? recordTitle(picked.data, pickedMeta?.name_field ?? 'name')
        : null;

  const prefill = prefillSubject(t(TYPE_LABEL[type]), recordName);
  const lastPrefill = useRef<string>('');
  useEffect(() => {
    form.setFieldValue('subject', nextSubject(form.getFieldValue('subject'), lastPrefill.current, prefill));
    lastPrefill.current = prefill;
  }, [form, prefill]);

  const taskPrefill = recordName
    ? t('activities.task.defaultSubject', { name: recordName })
    : t('activities.task.defaultSubjectNoName');
  const lastTaskPrefill = useRef<string>('');
  useEffect(() => {
    form.setFieldValue(
      'task_subject',
      nextSubject(form.getFieldValue('task_subject'), lastTaskPrefill.current, taskPrefill),
    );
    lastTaskPrefill.current = taskPrefill;
  }, [form, taskPrefill]);

  const canCheckIn = typeof navigator !== 'undefined' && 'geolocation' in navigator;
  const checkIn = () => {
    setLocating(true);
    setCheckinError(null);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        setCheckin({ latitude: round6(pos.coords.latitude), longitude: round6(pos.coords.longitude) });
      },
      (err) => {
        setLocating(false);
        setCheckinError(t('activities.checkin.failed', { reason: err.message || String(err.code) }));
      },
      { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
    );
  };

  const showErrors = (err: unknown, kind: 'activity' | 'task'): boolean => {
    if (!(err instanceof ApiError) || err.details.length === 0) return false;
    const placed = new Map<Exclude<DialogField, 'checkin'>, string[]>();
    const unplaced: string[] = [];
    for (const d of err.details) {
      const name = dialogFieldOf(d.field, kind);
      // the check-in is not a form input: its error shows next to the button
      if (name === 'checkin') setCheckinError(d.issue);
      else if (name) placed.set(name, [...(placed.get(name) ?? []), d.issue]);
      else unplaced.push(d.issue);
    }
    form.setFields([...placed.entries()].map(([name, errors]) => ({ name, errors })));
    if (unplaced.length) setProblem(unplaced.join('；'));
    return placed.size > 0 || unplaced.length > 0;
  };

  const submit = async (v: FormShape) => {
    setBusy(true);
    setProblem(null);
    const about: ActivityTarget | null =
      target ?? (v.related ? { object: v.related_object ?? relatedObject, id: v.related } : null);
    let activity = saved;
    try {
      if (!activity) {
        try {
          activity = await createActivity(
            activityBody(
              {
                type: isActivityType(v.type) ? v.type : 'call',
                subject: v.subject,
                notes: v.notes,
                outcome: v.outcome,
                next_step: v.next_step,
                occurred_at: v.occurred_at ? v.occurred_at.toISOString() : null,
                duration_minutes: v.duration_minutes ?? null,
                latitude: type === 'visit' ? (checkin?.latitude ?? null) : null,
                longitude: type === 'visit' ? (checkin?.longitude ?? null) : null,
              },
              about,
            ),
          );
          setSaved(activity);
        } catch (err) {
          if (!showErrors(err, 'activity')) setProblem(errorText(err, t));
          return;
        }
      }
      if (v.with_task) {
        try {
          await createTask(
            followUpTaskBody(v.task_subject, v.task_due_at ? v.task_due_at.toISOString() : null, activity),
          );
        } catch (err) {
          showErrors(err, 'task');
          setProblem(t('activities.error.taskFailed', { message: errorText(err, t) }));
          await invalidateAfterWrite(qc, about ? [about.object] : []);
          return;
        }
      }
      await invalidateAfterWrite(qc, about ? [about.object] : []);
      void message.success(t(v.with_task ? 'activities.done.loggedWithTask' : 'activities.done.logged'));
      await onLogged?.(activity);
      onClose();
    } finally {
      setBusy(false);
    }
  };

  const initialValues: FormShape = {
    related_object: pickable[0],
    type: defaultType ?? 'call',
    occurred_at: dayjs(),
    with_task: false,
    task_due_at: dayjs().add(1, 'day').hour(10).minute(0).second(0).millisecond(0),
  };

  return (
    <Form<FormShape>
      form={form}
      layout="vertical"
      initialValues={initialValues}
      onFinish={(v) => void submit(v)}
      disabled={busy}
      data-testid="activity-form"
    >
      {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 12 }} role="alert" />}
      {target ? (
        <Form.Item label={t('activities.field.related')}>
          <Tag color="blue" data-testid="activity-target">
            {t(OBJECT_LABEL[target.object])} · {target.name ?? target.id}
          </Tag>
        </Form.Item>
      ) : (
        <Row gutter={12}>
          <Col xs={24} sm={8}>
            <Form.Item name="related_object" label={t('activities.field.relatedObject')}>
              <Select
                options={pickable.map((o) => ({ value: o, label: t(OBJECT_LABEL[o]) }))}
                onChange={() => form.setFieldValue('related', null)}
                data-testid="activity-related-object"
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={16}>
            <Form.Item
              name="related"
              label={t('activities.field.related')}
              rules={[{ required: true, message: t('activities.required.related') }]}
            >
              <RecordSelect
                key={relatedObject}
                object={relatedObject}
                autoFocus
                onPick={(id, name) => setPickedName({ id, name })}
              />
            </Form.Item>
          </Col>
        </Row>
      )}
      <Form.Item name="type" label={t('activities.field.type')}>
        <Segmented<ActivityType>
          data-testid="activity-type"
          style={{ maxWidth: '100%', overflowX: 'auto' }}
          options={ACTIVITY_TYPES.map((ty) => ({
            value: ty,
            icon: TYPE_ICON[ty],
            label: t(TYPE_LABEL[ty]),
          }))}
        />
      </Form.Item>
      <Form.Item
        name="subject"
        label={t('activities.field.subject')}
        rules={[{ required: true, whitespace: true, message: t('activities.required.subject') }]}
      >
        <Input maxLength={200} />
      </Form.Item>
      <Form.Item name="notes" label={t('activities.field.notes')}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} autoFocus={!!target} />
      </Form.Item>
      <Row gutter={12}>
        <Col xs={24} sm={12}>
          <Form.Item name="outcome" label={t('activities.field.outcome')}>
            <Input maxLength={500} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="next_step" label={t('activities.field.nextStep')}>
            <Input maxLength={500} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="occurred_at" label={t('activities.field.when')}>
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="duration_minutes" label={t('activities.field.duration')}>
            <InputNumber min={0} max={1440} precision={0} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      {type === 'visit' && (
        <Form.Item
          label={t('activities.field.checkin')}
          extra={t('activities.checkin.optional')}
          data-testid="activity-checkin"
        >
          <Space wrap>
            {checkin ? (
              <>
                <Typography.Text>
                  {t('activities.checkin.done', { lat: checkin.latitude, lng: checkin.longitude })}
                </Typography.Text>
                <Button size="small" type="link" onClick={() => setCheckin(null)}>
                  {t('activities.checkin.clear')}
                </Button>
              </>
            ) : (
              <Button disabled={!canCheckIn} loading={locating} onClick={checkIn}>
                {locating ? t('activities.checkin.locating') : t('activities.checkin.button')}
              </Button>
            )}
            {checkinError && <Typography.Text type="warning">{checkinError}</Typography.Text>}
          </Space>
        </Form.Item>
      )}
      <Form.Item name="with_task" valuePropName="checked" style={{ marginBottom: withTask ? 8 : 16 }}>
        <Checkbox data-testid="activity-with-task">{t('activities.task.create')}</Checkbox>
      </Form.Item>
      {withTask && (
        <Row gutter={12}>
          <Col xs={24} sm={14}>
            <Form.Item
              name="task_subject"
              label={t('activities.task.subject')}
              rules={[{ required: true, whitespace: true, message: t('activities.required.taskSubject') }]}
            >
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={10}>
            <Form.Item name="task_due_at" label={t('activities.task.due')}>
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                style={{ width: '100%' }}
              />
            </Form.Item>
          </Col>
        </Row>
      )}
      <div style={{ display: 'flex', justifyContent: 'flex-end' }}>
        <Space wrap>
          <Button onClick={onClose} disabled={false}>
            {t('common.cancel')}
          </Button>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="activity-submit">
            {saved ? t('activities.submitTask') : t('activities.submit')}
          </Button>
        </Space>
      </div>
    </Form>
  );
}
