import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, adminOf } from '../../platform/http/auth.hooks.ts';
import { AppError, forbidden } from '../../platform/http/errors.ts';
import { can } from '../../platform/access/permissions.ts';
import type { Platform } from '../../platform/platform.ts';
import type { Rec } from '../../platform/metadata/types.ts';
import { systemActor, type LeadsService } from './leads.service.ts';
import { leadAnalytics } from './analytics.service.ts';
import { ATTRIBUTION_FIELDS } from './pipeline.ts';
import { isValidDate } from '../../platform/metadata/values.rules.ts';
import { dataOf, listOf, noContent, RecordData, responses } from '../../platform/http/response-schemas.ts';
import {
  CaptureResult,
  ConvertResult,
  DuplicateHit,
  FormThankYou,
  LeadAnalytics,
  LeadForm,
  LeadFormCreated,
  LeadSettings,
  LeadTimeline,
  PoolMembers,
  ReviewItem,
  ScoreExplanation,
} from './leads.schemas.ts';

const id = z.object({ id: z.string() });
const tags = ['leads'];

export function registerLeadRoutes(app: FastifyInstance, leads: LeadsService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/leads/analytics',
    {
      schema: {
        tags,
        summary:
          'Lead analytics: trend by source, funnel, invalid reasons, owners, pool moves, campaign cost per lead',
        response: responses({ 200: dataOf(LeadAnalytics) }),
        querystring: z.object({
          from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
          to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
          granularity: z.enum(['day', 'week', 'month']).default('day'),
        }),
      },
    },
    async (req) => {
      const { from, to } = req.query;
      if (!isValidDate(from) || !isValidDate(to) || from > to)
        throw new AppError('bad_request', 'bad_request', [
          { field: isValidDate(from) ? 'to' : 'from', issue: 'invalid_date' },
        ]);
      return { data: await leadAnalytics(leads.db, actorOf(req), req.query) };
    },
  );
  r.get(
    '/api/v1/leads/settings',
    {
      schema: {
        tags,
        summary: 'Duplicate rules, scoring and assignment rules, invalid reasons, protection period',
        response: responses({ 200: dataOf(LeadSettings) }),
      },
    },
    async (req) => ({
      data: await leads.settings(actorOf(req)),
    }),
  );
  r.put(
    '/api/v1/leads/settings',
    {
      schema: {
        tags,
        summary: 'Replace the lead settings (admin)',
        response: responses({ 200: dataOf(LeadSettings) }),
        body: z.record(z.string(), z.unknown()),
      },
    },
    async (req) => ({
      data: await leads.saveSettings(adminOf(req), req.body),
    }),
  );
  r.post(
    '/api/v1/leads/duplicates/check',
    {
      schema: {
        tags,
        summary: 'Unified duplicate check against leads, accounts and contacts',
        response: responses({ 200: listOf(DuplicateHit) }),
        body: z.strictObject({
          mobile: z.string().max(40).optional(),
          email: z.string().max(254).optional(),
          company: z.string().max(200).optional(),
        }),
      },
    },
    async (req) => ({ data: await leads.checkDuplicates(actorOf(req), req.body) }),
  );
  r.get(
    '/api/v1/leads/duplicates/review',
    {
      schema: {
        tags,
        summary: 'Duplicate-review queue: flagged leads with the lead each resembles',
        response: responses({ 200: listOf(ReviewItem) }),
      },
    },
    async (req) => ({
      data: await leads.reviewQueue(actorOf(req)),
    }),
  );
  r.post(
    '/api/v1/leads/merge',
    {
      schema: {
        tags,
        summary: 'Merge one lead into another (pick surviving values; touches, moves and memberships move)',
        response: responses({ 200: dataOf(RecordData) }),
        body: z.strictObject({
          survivor_id: z.string(),
          merged_id: z.string(),
          take_from_merged: z.array(z.string().max(64)).max(100).default([]),
        }),
      },
    },
    async (req) => ({ data: await leads.merge(actorOf(req), req.body) }),
  );
  r.post(
    '/api/v1/leads/duplicates/ping',
    {
      schema: {
        tags,
        summary: 'Message the owner of a duplicate hit (an in-app notification), even if you cannot open it',
        response: responses({ 204: noContent }),
        body: z.strictObject({
          object: z.enum(['lead', 'account', 'contact']),
          id: z.string(),
          message: z.string().max(500).optional(),
        }),
      },
    },
    async (req, reply) => {
      await leads.pingOwner(actorOf(req), req.body);
      return reply.status(204).send();
    },
  );
  r.post(
    '/api/v1/leads/:id/not-duplicate',
    {
      schema: {
        tags,
        summary: 'Clear the possible-duplicate flag',
        response: responses({ 204: noContent }),
        params: id,
      },
    },
    async (req, reply) => {
      await leads.dismissDuplicate(actorOf(req), req.params.id);
      return reply.status(204).send();
    },
  );
  r.post(
    '/api/v1/leads/capture',
    {
      schema: {
        tags,
        summary: 'Capture a lead through the pipeline (normalise, dedupe/merge, attribute, score, assign)',
        response: responses({ 200: dataOf(CaptureResult), 201: dataOf(CaptureResult) }),
        body: z.record(z.string(), z.unknown()),
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      if (!can(actor, 'lead', 'create')) throw forbidden();
      const res = await leads.capture(actor, req.body as Rec, {
        channel: typeof req.body.source === 'string' ? req.body.source : 'api',
        // the caller may choose the pool (a lookup: an unknown pool answers 422 on pool_id)
        poolId: typeof req.body.pool_id === 'string' ? req.body.pool_id : null,
      });
      return reply.status(res.outcome === 'merged' ? 200 : 201).send({ data: res });
    },
  );
  r.post(
    '/api/v1/leads/:id/claim',
    {
      schema: {
        tags,
        summary: 'Claim an unassigned lead from its pool (claim cap applies)',
        response: responses({ 204: noContent }),
        params: id,
      },
    },
    async (req, reply) => {
      await leads.claim(actorOf(req), req.params.id);
      return reply.status(204).send();
    },
  );
  r.post(
    '/api/v1/leads/:id/assign',
    {
      schema: {
        tags,
        summary: 'Assign to a user (pool admins)',
        response: responses({ 204: noContent }),
        params: id,
        body: z.strictObject({ owner_id: z.string(), reason: z.string().max(500).optional() }),
      },
    },
    async (req, reply) => {
      await leads.assign(actorOf(req), req.params.id, req.body.owner_id, req.body.reason ?? null);
      return reply.status(204).send();
    },
  );
  r.post(
    '/api/v1/leads/:id/return',
    {
      schema: {
        tags,
        summary: 'Give the lead back to its pool with a reason',
        response: responses({ 204: noContent }),
        params: id,
        body: z.strictObject({ reason: z.string().max(500) }),
      },
    },
    async (req, reply) => {
      await leads.giveBack(actorOf(req), req.params.id, req.body.reason);
      return reply.status(204).send();
    },
  );
  r.post(
    '/api/v1/leads/:id/transfer',
    {
      schema: {
        tags,
        summary: 'Move to another pool (pool admins)',
        response: responses({ 204: noContent }),
        params: id,
        body: z.strictObject({ pool_id: z.string(), reason: z.string().max(500).optional() }),
      },
    },
    async (req, reply) => {
      await leads.transfer(actorOf(req), req.params.id, req.body.pool_id, req.body.reason ?? null);
      return reply.status(204).send();
    },
  );
  r.post(
    '/api/v1/leads/:id/invalidate',
    {
      schema: {
        tags,
        summary: 'Mark invalid with a reason from the list',
        response: responses({ 204: noContent }),
        params: id,
        body: z.strictObject({ reason: z.string().max(100) }),
      },
    },
    async (req, reply) => {
      await leads.invalidate(actorOf(req), req.params.id, req.body.reason);
      return reply.status(204).send();
    },
  );
  r.post(
    '/api/v1/leads/:id/void',
    {
      schema: {
        tags,
        summary: 'Void a spam or junk lead (pool admins, tenant admins)',
        response: responses({ 204: noContent }),
        params: id,
        body: z.strictObject({ reason: z.string().max(500).optional() }).default({}),
      },
    },
    async (req, reply) => {
      await leads.voidLead(actorOf(req), req.params.id, req.body.reason ?? null);
      return reply.status(204).send();
    },
  );
  r.post(
    '/api/v1/leads/:id/revive',
    {
      schema: {
        tags,
        summary: 'Bring back an invalid lead (owner, pool admins) or a voided one (tenant admins)',
        response: responses({ 204: noContent }),
        params: id,
        body: z.strictObject({ reason: z.string().max(500).optional() }).default({}),
      },
    },
    async (req, reply) => {
      await leads.revive(actorOf(req), req.params.id, req.body.reason ?? null);
      return reply.status(204).send();
    },
  );
  r.post(
    '/api/v1/leads/:id/convert',
    {
      schema: {
        tags,
        summary:
          'Convert into an account and a contact (new, or existing ones whose empty fields are filled)',
        response: responses({ 200: dataOf(ConvertResult) }),
        params: id,
        body: z.strictObject({
          account_id: z.string().optional(),
          contact_id: z.string().optional(),
          // field values of the opportunity to create (name, amount, close date …); {} for the defaults
          opportunity: z.record(z.string(), z.unknown()).optional(),
        }),
      },
    },
    async (req) => ({ data: await leads.convert(actorOf(req), req.params.id, req.body) }),
  );
  r.get(
    '/api/v1/leads/:id/timeline',
    {
      schema: {
        tags,
        summary: 'Touches and moves of a lead',
        response: responses({ 200: dataOf(LeadTimeline) }),
        params: id,
      },
    },
    async (req) => ({ data: await leads.timeline(actorOf(req), req.params.id) }),
  );
  r.get(
    '/api/v1/leads/:id/score',
    {
      schema: {
        tags,
        summary: 'Which rules gave the lead its points',
        response: responses({ 200: dataOf(ScoreExplanation) }),
        params: id,
      },
    },
    async (req) => ({ data: await leads.explainScore(actorOf(req), req.params.id) }),
  );
  r.get(
    '/api/v1/leads/pools/:id/members',
    {
      schema: {
        tags,
        summary: 'Pool members and admins',
        response: responses({ 200: PoolMembers }),
        params: id,
      },
    },
    async (req) => leads.poolMembers(actorOf(req), req.params.id),
  );
  r.put(
    '/api/v1/leads/pools/:id/members',
    {
      schema: {
        tags,
        summary: 'Set pool members and admins (admin)',
        response: responses({ 204: noContent }),
        params: id,
        body: z.strictObject({
          members: z
            .array(z.strictObject({ user_id: z.string(), role: z.enum(['member', 'admin']) }))
            .max(500),
          // optional: left out, the pool's member departments stay as they are
          departments: z
            .array(z.strictObject({ department_id: z.string(), role: z.enum(['member', 'admin']) }))
            .max(200)
            .optional(),
        }),
      },
    },
    async (req, reply) => {
      await leads.setPoolMembers(actorOf(req), req.params.id, req.body.members, req.body.departments);
      return reply.status(204).send();
    },
  );
  r.get(
    '/api/v1/leads/forms',
    {
      schema: { tags, summary: 'Web-to-lead forms (admin)', response: responses({ 200: listOf(LeadForm) }) },
    },
    async (req) => ({
      data: await leads.listForms(actorOf(req)),
    }),
  );
  r.post(
    '/api/v1/leads/forms',
    {
      schema: {
        tags,
        summary: 'Create a web-to-lead form (admin); returns its public key',
        response: responses({ 201: dataOf(LeadFormCreated) }),
        body: z.strictObject({
          name: z.string().max(100),
          pool_id: z.string().nullable().optional(),
          campaign_id: z.string().nullable().optional(),
          allowed_origins: z.array(z.string().max(200)).max(20).optional(),
          thank_you: z.record(z.string(), z.unknown()).optional(),
        }),
      },
    },
    async (req, reply) => reply.status(201).send({ data: await leads.createForm(actorOf(req), req.body) }),
  );
  r.patch(
    '/api/v1/leads/forms/:id',
    {
      schema: {
        tags,
        summary: 'Change a web-to-lead form or switch it on/off (admin)',
        response: responses({ 200: dataOf(LeadForm) }),
        params: id,
        body: z.strictObject({
          name: z.string().max(100).optional(),
          pool_id: z.string().nullable().optional(),
          campaign_id: z.string().nullable().optional(),
          allowed_origins: z.array(z.string().max(200)).max(20).optional(),
          thank_you: z.record(z.string(), z.unknown()).optional(),
          active: z.boolean().optional(),
        }),
      },
    },
    async (req) => ({ data: await leads.updateForm(actorOf(req), req.params.id, req.body) }),
  );
}

const PUBLIC_FIELDS = new Set<string>([
  'name',
  'mobile',
  'phone',
  'email',
  'company',
  'title',
  'industry',
  'province',
  'city',
  'company_size',
  ...ATTRIBUTION_FIELDS,
]);
/** Bots fill every input; people never see this one. */
export const HONEYPOT_FIELD = '_hp';

/** POST /api/v1/public/forms/{form_key}: no sign-in; honeypot, per-IP rate limit, allowed origins. */
export async function registerPublicLeadRoutes(
  app: FastifyInstance,
  p: Platform,
  leads: LeadsService,
): Promise<void> {
  // Plain HTML forms post urlencoded bodies.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  const r = app.withTypeProvider<ZodTypeProvider>();
  const params = z.object({ form_key: z.string().max(100) });
  r.options('/api/v1/public/forms/:form_key', { schema: { hide: true, params } }, async (req, reply) => {
    const form = await leads.formByKey(req.params.form_key);
    const origin = req.headers.origin;
    if (form && origin && form.allowed_origins.includes(origin))
      reply
        .header('access-control-allow-origin', origin)
        .header('access-control-allow-methods', 'POST')
        .header('access-control-allow-headers', 'content-type')
        .header('vary', 'Origin');
    return reply.status(204).send();
  });
  r.post(
    '/api/v1/public/forms/:form_key',
    {
      config: { rateLimit: { max: 10, timeWindow: '1 minute' } },
      schema: {
        tags: ['public'],
        summary: 'Web-to-lead form submission (no sign-in)',
        response: responses({ 200: dataOf(FormThankYou) }),
        security: [],
        params,
        body: z.record(z.string(), z.unknown()),
      },
    },
    async (req, reply) => {
      const form = await leads.formByKey(req.params.form_key);
      if (!form) throw new AppError('not_found', 'form_not_found');
      const origin = req.headers.origin;
      if (form.allowed_origins.length) {
        if (!origin || !form.allowed_origins.includes(origin))
          throw new AppError('forbidden', 'origin_not_allowed');
        reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
      }
      const body = req.body;
      const thankYou = { ok: true, ...form.thank_you };
      if (typeof body[HONEYPOT_FIELD] === 'string' && body[HONEYPOT_FIELD] !== '') return { data: thankYou };
      const input: Rec = {};
      for (const [k, v] of Object.entries(body))
        if ((PUBLIC_FIELDS.has(k) || k.endsWith('__c')) && v !== '') input[k] = v;
      if (!input.landing_page && typeof req.headers.referer === 'string')
        input.landing_page = req.headers.referer.slice(0, 255);
      await leads.capture(systemActor(form.tenantId, form.time_zone, form.currency), input, {
        channel: 'web_form',
        formId: form.id,
        poolId: form.pool_id,
        campaignId: form.campaign_id,
      });
      void p;
      return { data: thankYou };
    },
  );
}
