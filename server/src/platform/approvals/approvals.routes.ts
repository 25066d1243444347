import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, adminOf } from '../http/auth.hooks.ts';
import { dataOf, listOf, noContent, responses } from '../http/response-schemas.ts';
import { AppError } from '../http/errors.ts';
import type { ApprovalsService } from './approvals.service.ts';
import {
  ApprovalInboxItem,
  ApprovalInstance,
  ApprovalProcess,
  BatchApproveResult,
  DepartmentHead,
} from './approvals.schemas.ts';

const tags = ['approvals'];
const params = z.object({ id: z.string() });
const uuid = z.string().uuid();
const comment = z.string().max(2000).optional();

/** /api/v1/approvals: processes (admin), submit, inbox, decisions, history (docs/API.md §19). */
export function registerApprovalRoutes(app: FastifyInstance, approvals: ApprovalsService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const P = '/api/v1/approvals/processes';

  r.get(
    P,
    {
      schema: {
        tags,
        summary: 'Approval processes, by object and priority (admin)',
        querystring: z.object({ object: z.string().max(60).optional() }),
        response: responses({ 200: listOf(ApprovalProcess) }),
      },
    },
    async (req) => ({ data: await approvals.listProcesses(adminOf(req), req.query.object) }),
  );
  r.post(
    P,
    {
      schema: {
        tags,
        summary: 'Create an approval process (admin)',
        body: z.record(z.string(), z.unknown()),
        response: responses({ 201: dataOf(ApprovalProcess) }),
      },
    },
    async (req, reply) =>
      reply.status(201).send({ data: await approvals.createProcess(adminOf(req), req.body) }),
  );
  r.get(
    `${P}/:id`,
    {
      schema: {
        tags,
        summary: 'One approval process (admin)',
        params,
        response: responses({ 200: dataOf(ApprovalProcess) }),
      },
    },
    async (req) => ({ data: await approvals.getProcess(adminOf(req), req.params.id) }),
  );
  r.put(
    `${P}/:id`,
    {
      schema: {
        tags,
        summary:
          'Replace an approval process (admin); pending submissions keep their plan; `version` → 409 when stale',
        params,
        body: z.record(z.string(), z.unknown()),
        response: responses({ 200: dataOf(ApprovalProcess) }),
      },
    },
    async (req) => ({ data: await approvals.replaceProcess(adminOf(req), req.params.id, req.body) }),
  );
  r.delete(
    `${P}/:id`,
    {
      schema: {
        tags,
        summary: 'Delete an unused approval process (admin); one with submissions → 409 (deactivate it)',
        params,
        response: responses({ 204: noContent }),
      },
    },
    async (req, reply) => {
      await approvals.deleteProcess(adminOf(req), req.params.id);
      return reply.status(204).send();
    },
  );

  r.get(
    '/api/v1/approvals/department-heads',
    {
      schema: {
        tags,
        summary: 'Departments and their heads (department-head and N-levels-up nodes)',
        response: responses({ 200: listOf(DepartmentHead) }),
      },
    },
    async (req) => ({ data: await approvals.departmentHeads(actorOf(req)) }),
  );
  r.put(
    '/api/v1/approvals/department-heads/:id',
    {
      schema: {
        tags,
        summary: "Set or clear a department's head (admin)",
        params,
        body: z.strictObject({ head_user_id: uuid.nullable() }),
        response: responses({ 204: noContent }),
      },
    },
    async (req, reply) => {
      await approvals.setDepartmentHead(adminOf(req), req.params.id, req.body.head_user_id);
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/v1/approvals/submit',
    {
      schema: {
        tags,
        summary:
          'Submit a record to the first matching active process (trigger manual); none matches → 422 no_approval_process',
        body: z.strictObject({ object: z.string().min(1).max(60), record_id: uuid }),
        response: responses({ 201: dataOf(ApprovalInstance) }),
      },
    },
    async (req, reply) => {
      const v = await approvals.submit(actorOf(req), {
        object: req.body.object,
        recordId: req.body.record_id,
        trigger: 'manual',
      });
      if (!v)
        throw new AppError('validation_failed', 'no_approval_process', [
          { field: 'object', issue: 'invalid_value' },
        ]);
      return reply.status(201).send({ data: v });
    },
  );
  r.get(
    '/api/v1/approvals/inbox',
    {
      schema: {
        tags,
        summary: 'My pending approval tasks, oldest first',
        response: responses({ 200: listOf(ApprovalInboxItem) }),
      },
    },
    async (req) => ({ data: await approvals.inbox(actorOf(req)) }),
  );
  r.post(
    '/api/v1/approvals/tasks/batch-approve',
    {
      schema: {
        tags,
        summary: 'Approve several of my tasks; each is its own transaction, one result per task',
        body: z.strictObject({ task_ids: z.array(uuid).min(1).max(100), comment }),
        response: responses({ 200: listOf(BatchApproveResult) }),
      },
    },
    async (req) => ({ data: await approvals.batchApprove(actorOf(req), req.body) }),
  );
  r.get(
    '/api/v1/approvals/instances',
    {
      schema: {
        tags,
        summary: "A record's approval history, newest first, with nodes, tasks, steps and comments",
        querystring: z.object({ object: z.string().min(1).max(60), record_id: uuid }),
        response: responses({ 200: listOf(ApprovalInstance) }),
      },
    },
    async (req) => ({ data: await approvals.history(actorOf(req), req.query.object, req.query.record_id) }),
  );
  r.get(
    '/api/v1/approvals/submissions',
    {
      schema: {
        tags,
        summary: 'My submissions, newest first (≤ 100)',
        querystring: z.object({
          status: z.enum(['pending', 'approved', 'rejected', 'returned', 'withdrawn']).optional(),
        }),
        response: responses({ 200: listOf(ApprovalInstance) }),
      },
    },
    async (req) => ({ data: await approvals.mySubmissions(actorOf(req), req.query.status) }),
  );
  r.get(
    '/api/v1/approvals/instances/:id',
    {
      schema: {
        tags,
        summary: 'One submission',
        params,
        response: responses({ 200: dataOf(ApprovalInstance) }),
      },
    },
    async (req) => ({ data: await approvals.view(actorOf(req), req.params.id) }),
  );

  const action = (name: 'approve' | 'reject' | 'return' | 'withdraw' | 'comment', summary: string): void => {
    r.post(
      `/api/v1/approvals/instances/:id/${name}`,
      {
        schema: {
          tags,
          summary,
          params,
          body: z.strictObject({ comment }),
          response: responses({ 200: dataOf(ApprovalInstance) }),
        },
      },
      async (req) => {
        const a = actorOf(req);
        const id = req.params.id;
        const data =
          name === 'withdraw'
            ? await approvals.withdraw(a, id, req.body)
            : name === 'comment'
              ? await approvals.comment(a, id, req.body)
              : await approvals.decide(a, id, name, req.body);
        return { data };
      },
    );
  };
  action('approve', 'Approve my task on the current node');
  action('reject', 'Reject (comment required): the submission ends rejected');
  action('return', 'Return to the submitter (comment required): the record unlocks and can be resubmitted');
  action('withdraw', 'Withdraw my submission while nobody has decided on the current node');
  action('comment', 'Comment (submitter, approvers, admins)');
  r.post(
    '/api/v1/approvals/instances/:id/reassign',
    {
      schema: {
        tags,
        summary: 'Hand my task on the current node to another user',
        params,
        body: z.strictObject({
          to_user_id: uuid,
          task_id: uuid.optional().describe('Admins: any pending task of the current node'),
          comment,
        }),
        response: responses({ 200: dataOf(ApprovalInstance) }),
      },
    },
    async (req) => ({ data: await approvals.reassign(actorOf(req), req.params.id, req.body) }),
  );
}
