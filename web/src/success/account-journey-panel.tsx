import { useEffect, useId, useState } from 'react';
import { Link } from 'react-router';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Empty,
  Input,
  List,
  Modal,
  Select,
  Space,
  Spin,
  Steps,
  Tag,
  Typography,
  Upload,
} from 'antd';
import {
  CheckCircleFilled,
  ExclamationCircleOutlined,
  PaperClipOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useMe } from '../api/queries';
import { ApiError } from '../api/http-client';
import { errorText } from '../api/error-text';
import { canDo } from '../auth/permissions';
import { attachmentUrl, fileKeys, MAX_ATTACHMENT_BYTES, uploadAttachment } from '../files/api';
import { useI18n } from '../i18n/i18n-context';
import type { RecordPanelProps } from '../objects/record-panels';
import {
  cancelJourney,
  completeStage,
  fetchJourney,
  journeyKeys,
  recordTask,
  startJourney,
  useAccountJourney,
  type Journey,
  type JourneyStage,
  type JourneyTask,
  type TaskBody,
} from './journeys-api';
import { hasResult, stageState, stepStatus, stillNeeded } from './journeys-logic';

/**
 * The customer's lifecycle journey (DOMAIN.md §6.6): its stages as a timeline with entry, due and
 * exit days and an overdue badge; a stage's key tasks with their verifiable results (a tick, a note,
 * a file on the customer); completing the current stage once every result is in. Earlier journeys
 * of the customer can be picked from the header.
 */
export default function AccountJourneyPanel({ record }: RecordPanelProps) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const me = useMe().data;
  const canRead = canDo(me, 'account', 'read');
  const current = useAccountJourney(record.id, canRead);
  const [picked, setPicked] = useState<string | null>(null);
  const other = useQuery({
    queryKey: journeyKeys.one(picked ?? ''),
    queryFn: () => fetchJourney(picked ?? ''),
    enabled: picked !== null && picked !== current.data?.data?.id,
  });
  const [starting, setStarting] = useState(false);
  if (!canRead) return null;
  const journeys = current.data?.meta.journeys ?? [];
  const j = picked && picked !== current.data?.data?.id ? other.data : current.data?.data;
  const start = async () => {
    setStarting(true);
    try {
      await startJourney(record.id);
      await qc.invalidateQueries({ queryKey: journeyKeys.all });
      void message.success(t('journeys.started'));
    } catch (err) {
      void message.error(errorText(err, t));
    } finally {
      setStarting(false);
    }
  };
  return (
    <Card
      size="small"
      style={{ marginBottom: 12 }}
      data-testid="account-journey"
      title={
        <Space wrap>
          {t('journeys.panelTitle')}
          {j && <StatusTags journey={j} />}
        </Space>
      }
      extra={
        <Space>
          {journeys.length > 1 && (
            <Select
              size="small"
              aria-label={t('journeys.pick')}
              style={{ width: 200 }}
              value={j?.id}
              onChange={(v) => setPicked(v)}
              options={journeys.map((x) => ({
                value: x.id,
                label: `${x.started_on} · ${t(`journeys.status.${x.status}`)}`,
              }))}
            />
          )}
          {j?.may_advance && <CancelButton journey={j} />}
          <Link to="/success/journeys">{t('journeys.toPage')}</Link>
        </Space>
      }
    >
      {current.error ? (
        <Alert type="error" showIcon title={errorText(current.error, t)} />
      ) : current.isPending || (picked && other.isPending && picked !== current.data?.data?.id) ? (
        <Spin />
      ) : !j ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={t('journeys.none')}
          data-testid="journey-empty"
        >
          {canDo(me, 'account', 'update') && (
            <Button onClick={() => void start()} loading={starting} data-testid="journey-start">
              {t('journeys.start')}
            </Button>
          )}
        </Empty>
      ) : (
        // a completed stage moves the view on to the next one
        <JourneyTimeline key={`${j.id}:${j.current_stage ?? j.status}`} journey={j} accountId={record.id} />
      )}
    </Card>
  );
}

function StatusTags({ journey: j }: { journey: Journey }) {
  const { t } = useI18n();
  return (
    <>
      <Tag color={j.status === 'active' ? 'blue' : j.status === 'completed' ? 'green' : 'default'}>
        {t(`journeys.status.${j.status}`)}
      </Tag>
      {j.overdue && (
        <Tag color="red" data-testid="journey-overdue">
          {t('journeys.overdueDays', { n: j.overdue_days })}
        </Tag>
      )}
      {j.order_number && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('journeys.fromOrder', { number: j.order_number })}
        </Typography.Text>
      )}
    </>
  );
}

/** The stages as steps (entry → exit days), the chosen stage's tasks below. */
function JourneyTimeline({ journey: j, accountId }: { journey: Journey; accountId: string }) {
  const { t } = useI18n();
  const currentIndex = Math.max(
    0,
    j.stages.findIndex((s) => s.state === 'current'),
  );
  const [shown, setShown] = useState(j.status === 'completed' ? j.stages.length - 1 : currentIndex);
  const stage = j.stages[shown];
  return (
    <>
      <Steps
        size="small"
        current={j.status === 'completed' ? j.stages.length : currentIndex}
        onChange={setShown}
        data-testid="journey-steps"
        items={j.stages.map((s) => ({
          // stable hooks for tests and assistive tech, whatever classes the Steps render
          title: (
            <span
              data-testid={`journey-stage-${s.key}`}
              data-state={stageState(s)}
              aria-current={s.state === 'current' ? 'step' : undefined}
            >
              {s.name}
            </span>
          ),
          status: stepStatus(s),
          content: (
            <span data-testid={`journey-stage-${s.key}-dates`}>
              <StageDates stage={s} />
            </span>
          ),
        }))}
      />
      {j.status === 'cancelled' && (
        <Alert
          type="warning"
          showIcon
          style={{ marginTop: 12 }}
          title={t('journeys.cancelledNote', { reason: j.cancel_reason ?? '' })}
        />
      )}
      {stage && <StageDetail journey={j} stage={stage} accountId={accountId} />}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('journeys.owner', { name: j.owner_name ?? t('common.empty') })}
        {' · '}
        {t('journeys.startedOn', { day: j.started_on })}
      </Typography.Text>
    </>
  );
}

function StageDates({ stage: s }: { stage: JourneyStage }) {
  const { t } = useI18n();
  if (!s.entered_on) return <span>{t('journeys.plannedDays', { n: s.planned_days ?? '—' })}</span>;
  return (
    <span style={{ fontSize: 12 }}>
      {s.entered_on} → {s.completed_on ?? (s.due_on ? t('journeys.dueOn', { day: s.due_on }) : '…')}
      {s.overdue && (
        <>
          {' '}
          <Tag color="red" style={{ marginInlineEnd: 0 }}>
            {t('journeys.overdueDays', { n: s.overdue_days })}
          </Tag>
        </>
      )}
    </span>
  );
}

function StageDetail({
  journey: j,
  stage: s,
  accountId,
}: {
  journey: Journey;
  stage: JourneyStage;
  accountId: string;
}) {
  const { t } = useI18n();
  const [completing, setCompleting] = useState(false);
  const hintId = useId();
  const editable = j.may_advance && j.status === 'active' && s.state !== 'done';
  // why the stage cannot be completed yet, as visible text (a tooltip on a disabled button reaches
  // neither the keyboard nor a touch screen); the button points at it
  const needed =
    s.state === 'current' && j.status === 'active' ? stillNeeded(s.tasks, t('journeys.taskSep')) : null;
  return (
    <Card
      size="small"
      type="inner"
      style={{ marginTop: 12, marginBottom: 8 }}
      data-testid="journey-stage"
      title={
        <Space wrap>
          {s.name}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {s.days !== null ? t('journeys.days', { n: s.days }) : t('journeys.notReached')}
            {s.planned_days !== null && ` / ${t('journeys.plannedDays', { n: s.planned_days })}`}
          </Typography.Text>
          {s.csat && <Tag color="purple">{t('journeys.csatStage')}</Tag>}
        </Space>
      }
      extra={
        s.state === 'current' &&
        j.may_advance && (
          <Button
            type="primary"
            size="small"
            disabled={needed !== null}
            aria-describedby={needed !== null ? hintId : undefined}
            onClick={() => setCompleting(true)}
            data-testid="journey-complete"
          >
            {t('journeys.complete')}
          </Button>
        )
      }
    >
      {needed !== null && (
        <Typography.Paragraph style={{ marginBottom: 8 }}>
          <ExclamationCircleOutlined style={{ color: '#d48806', marginInlineEnd: 6 }} aria-hidden />
          <span id={hintId} data-testid="journey-still-needed">
            {t('journeys.stillNeeded', { tasks: needed })}
          </span>
        </Typography.Paragraph>
      )}
      {s.tasks.length === 0 ? (
        <Typography.Text type="secondary">{t('journeys.noTasks')}</Typography.Text>
      ) : (
        <List
          size="small"
          dataSource={s.tasks}
          renderItem={(k) => (
            <List.Item data-testid={`journey-task-${k.key}`} data-done={hasResult(k)}>
              <TaskRow journey={j} stage={s} task={k} editable={editable} accountId={accountId} />
            </List.Item>
          )}
        />
      )}
      {completing && <CompleteModal journey={j} stage={s} onClose={() => setCompleting(false)} />}
    </Card>
  );
}

/** One key task: its result, and — while the stage is open — the control that records it. */
function TaskRow({
  journey: j,
  stage: s,
  task: k,
  editable,
  accountId,
}: {
  journey: Journey;
  stage: JourneyStage;
  task: JourneyTask;
  editable: boolean;
  accountId: string;
}) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [note, setNote] = useState(k.note ?? '');
  // the tick shows at once; a refused save puts it back
  const [ticked, setTicked] = useState(k.done);
  useEffect(() => setTicked(k.done), [k.done]);
  const [busy, setBusy] = useState(false);
  const save = async (body: TaskBody) => {
    setBusy(true);
    try {
      await recordTask(j.id, s.key, k.key, body);
      await qc.invalidateQueries({ queryKey: journeyKeys.all });
    } catch (err) {
      if (body.done !== undefined) setTicked(k.done);
      void message.error(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };
  const upload = async (file: File) => {
    if (file.size > MAX_ATTACHMENT_BYTES) {
      void message.error(t('files.tooLarge', { name: file.name }));
      return;
    }
    setBusy(true);
    try {
      const f = await uploadAttachment('account', accountId, file, locale, () => undefined);
      await recordTask(j.id, s.key, k.key, { attachment_id: f.id });
      await qc.invalidateQueries({ queryKey: journeyKeys.all });
      await qc.invalidateQueries({ queryKey: fileKeys.ofRecord('account', accountId) });
    } catch (err) {
      void message.error(
        err instanceof ApiError && err.status === 413
          ? t('files.tooLarge', { name: file.name })
          : errorText(err, t),
      );
    } finally {
      setBusy(false);
    }
  };
  const label = (
    <Space size={4}>
      {k.result !== 'checkbox' && k.done && (k.result !== 'file' || k.file_present) ? (
        <CheckCircleFilled style={{ color: '#389e0d' }} aria-label={t('journeys.done')} />
      ) : null}
      <Typography.Text strong={k.required}>{k.name}</Typography.Text>
      {!k.required && <Typography.Text type="secondary">{t('journeys.optional')}</Typography.Text>}
      <Tag>{t(`journeys.result.${k.result}`)}</Tag>
    </Space>
  );
  if (k.result === 'checkbox')
    return (
      <Checkbox
        checked={ticked}
        disabled={!editable}
        onChange={(e) => {
          setTicked(e.target.checked);
          void save({ done: e.target.checked });
        }}
      >
        {label}
      </Checkbox>
    );
  if (k.result === 'note')
    return (
      <div style={{ width: '100%' }}>
        {label}
        {editable ? (
          <Space.Compact style={{ width: '100%', marginTop: 4 }}>
            <Input.TextArea
              autoSize={{ minRows: 1, maxRows: 4 }}
              maxLength={2000}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              aria-label={k.name}
            />
            <Button
              loading={busy}
              disabled={note.trim() === (k.note ?? '')}
              onClick={() => void save({ note })}
            >
              {t('common.save')}
            </Button>
          </Space.Compact>
        ) : (
          k.note && <Typography.Paragraph style={{ margin: '4px 0 0' }}>{k.note}</Typography.Paragraph>
        )}
      </div>
    );
  return (
    <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
      {label}
      <Space wrap>
        {k.attachment_id && (
          <Space size={4}>
            <PaperClipOutlined />
            {k.file_present ? (
              <a href={attachmentUrl(k.attachment_id)} target="_blank" rel="noreferrer">
                {k.file_name}
              </a>
            ) : (
              // said in text, not a tooltip: keyboard and touch users need the reason too
              <Typography.Text type="danger" data-testid={`journey-file-removed-${k.key}`}>
                <Typography.Text delete type="danger">
                  {k.file_name}
                </Typography.Text>{' '}
                <span style={{ fontSize: 12 }}>{t('journeys.fileRemoved')}</span>
              </Typography.Text>
            )}
          </Space>
        )}
        {editable && (
          <Upload
            showUploadList={false}
            customRequest={() => undefined}
            beforeUpload={(file) => {
              void upload(file);
              return false;
            }}
          >
            <Button size="small" icon={<UploadOutlined />} loading={busy}>
              {t(k.attachment_id ? 'journeys.replaceFile' : 'journeys.uploadFile')}
            </Button>
          </Upload>
        )}
      </Space>
    </Space>
  );
}

function CompleteModal({
  journey: j,
  stage: s,
  onClose,
}: {
  journey: Journey;
  stage: JourneyStage;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [day, setDay] = useState<Dayjs>(dayjs());
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const r = await completeStage(j.id, {
        stage_key: s.key,
        completed_on: day.format('YYYY-MM-DD'),
        version: j.version,
      });
      await qc.invalidateQueries({ queryKey: journeyKeys.all });
      void message.success(t('journeys.completed', { stage: s.name }));
      const invited = r.meta.surveys.reduce((n, x) => n + x.invited, 0);
      if (invited > 0) void message.info(t('journeys.csatSent', { n: invited }));
      onClose();
    } catch (err) {
      // name each task the server refused on (`tasks.<key>`), and re-read the journey: what the
      // page showed (a file still attached) may be what changed meanwhile
      const taskName = (field: string | undefined) =>
        field?.startsWith('tasks.') ? s.tasks.find((k) => `tasks.${k.key}` === field)?.name : undefined;
      setProblem(
        err instanceof ApiError && err.details.length
          ? err.details
              .map((d) => {
                const name = taskName(d.field);
                return name ? `${name}: ${d.issue}` : d.issue;
              })
              .join('; ')
          : errorText(err, t),
      );
      void qc.invalidateQueries({ queryKey: journeyKeys.all });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('journeys.completeTitle', { stage: s.name })}
      onCancel={onClose}
      onOk={() => void submit()}
      confirmLoading={busy}
      okText={t('journeys.complete')}
      destroyOnHidden
    >
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 12 }} />}
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Text>{t('journeys.completedOn')}</Typography.Text>
        <DatePicker
          value={day}
          allowClear={false}
          format="YYYY-MM-DD"
          aria-label={t('journeys.completedOn')}
          disabledDate={(d) =>
            d.isAfter(dayjs(), 'day') || (!!s.entered_on && d.isBefore(dayjs(s.entered_on), 'day'))
          }
          onChange={(d) => d && setDay(d)}
        />
        <Typography.Text type="secondary">
          {s.csat ? t('journeys.completeHintCsat') : t('journeys.completeHint')}
        </Typography.Text>
      </Space>
    </Modal>
  );
}

function CancelButton({ journey: j }: { journey: Journey }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    try {
      await cancelJourney(j.id, reason, j.version);
      await qc.invalidateQueries({ queryKey: journeyKeys.all });
      setOpen(false);
    } catch (err) {
      void message.error(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button size="small" type="text" onClick={() => setOpen(true)}>
        {t('journeys.cancel')}
      </Button>
      {open && (
        <Modal
          open
          title={t('journeys.cancelTitle')}
          onCancel={() => setOpen(false)}
          onOk={() => void submit()}
          okButtonProps={{ danger: true, disabled: !reason.trim() }}
          confirmLoading={busy}
          destroyOnHidden
        >
          <Input.TextArea
            autoFocus
            rows={3}
            maxLength={500}
            value={reason}
            placeholder={t('journeys.cancelReason')}
            aria-label={t('journeys.cancelReason')}
            onChange={(e) => setReason(e.target.value)}
          />
        </Modal>
      )}
    </>
  );
}
