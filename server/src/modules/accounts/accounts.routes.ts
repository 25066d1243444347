import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, adminOf } from '../../platform/http/auth.hooks.ts';
import { dataOf, listOf, noContent, responses } from '../../platform/http/response-schemas.ts';
import type { AccountsService } from './accounts.service.ts';
import {
  AccountDuplicateHit,
  AccountOverview,
  AccountPoolEntry,
  AccountPoolMember,
  AccountSettings,
  AccountTeamMember,
} from './accounts.schemas.ts';

const id = z.object({ id: z.string() });
const tags = ['accounts'];
const reason = z.string().max(500);

export function registerAccountRoutes(app: FastifyInstance, accounts: AccountsService): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/v1/accounts/settings',
    {
      schema: {
        tags,
        summary: 'Holding limits, cooldown, protection period, duplicate policy, grade rules, return reasons',
        response: responses({ 200: dataOf(AccountSettings) }),
      },
    },
    async (req) => ({ data: await accounts.settings(actorOf(req)) }),
  );
  r.put(
    '/api/v1/accounts/settings',
    {
      schema: {
        tags,
        summary: 'Replace the account settings (admin)',
        response: responses({ 200: dataOf(AccountSettings) }),
        body: z.record(z.string(), z.unknown()),
      },
    },
    async (req) => ({ data: await accounts.saveSettings(adminOf(req), req.body) }),
  );
  r.get(
    '/api/v1/accounts/duplicates',
    {
      schema: {
        tags,
        summary: 'Accounts matching a name (normalised, fuzzy), phone or credit code (撞单 check)',
        response: responses({ 200: listOf(AccountDuplicateHit) }),
        querystring: z.strictObject({
          name: z.string().max(200).optional(),
          phone: z.string().max(40).optional(),
          credit_code: z.string().max(40).optional(),
          exclude_id: z.string().max(40).optional(),
        }),
      },
    },
    async (req) => ({ data: await accounts.duplicates(actorOf(req), req.query) }),
  );
  r.get(
    '/api/v1/accounts/pool-entries',
    {
      schema: {
        tags,
        summary: 'When, from whom and why each of a page of accounts went into its pool',
        response: responses({ 200: listOf(AccountPoolEntry) }),
        querystring: z.strictObject({
          ids: z
            .string()
            .max(200 * 37)
            .transform((v) => v.split(',').filter(Boolean))
            .pipe(z.array(z.string()).min(1).max(200)),
        }),
      },
    },
    async (req) => ({ data: await accounts.poolEntries(actorOf(req), req.query.ids) }),
  );
  r.get(
    '/api/v1/accounts/:id/overview',
    {
      schema: {
        tags,
        summary: '360° view: contacts and org chart, opportunities, activities, open tasks, moves, team',
        response: responses({ 200: dataOf(AccountOverview) }),
        params: id,
        querystring: z.strictObject({ cursor: z.string().max(2000).optional() }),
      },
    },
    async (req) => ({ data: await accounts.overview(actorOf(req), req.params.id, req.query.cursor) }),
  );
  r.post(
    '/api/v1/accounts/:id/claim',
    {
      schema: {
        tags,
        summary: 'Claim an account from its pool (holding limits and cooldown apply)',
        response: responses({ 204: noContent }),
        params: id,
      },
    },
    async (req, reply) => {
      await accounts.claim(actorOf(req), req.params.id);
      return reply.status(204).send();
    },
  );
  r.post(
    '/api/v1/accounts/:id/return',
    {
      schema: {
        tags,
        summary: 'Return an account to a pool with a reason (owner or admins)',
        response: responses({ 204: noContent }),
        params: id,
        body: z.strictObject({ reason, pool_id: z.string().max(40).nullable().optional() }),
      },
    },
    async (req, reply) => {
      await accounts.returnToPool(actorOf(req), req.params.id, req.body);
      return reply.status(204).send();
    },
  );
  r.post(
    '/api/v1/accounts/:id/assign',
    {
      schema: {
        tags,
        summary: 'Give an account to a user (pool admins, tenant admins)',
        response: responses({ 204: noContent }),
        params: id,
        body: z.strictObject({ owner_id: z.string().max(40), reason: reason.nullable().optional() }),
      },
    },
    async (req, reply) => {
      await accounts.assign(actorOf(req), req.params.id, req.body.owner_id, req.body.reason ?? null);
      return reply.status(204).send();
    },
  );
  r.post(
    '/api/v1/accounts/:id/transfer',
    {
      schema: {
        tags,
        summary: 'Move an account to another pool (pool admins, tenant admins)',
        response: responses({ 204: noContent }),
        params: id,
        body: z.strictObject({ pool_id: z.string().max(40), reason: reason.nullable().optional() }),
      },
    },
    async (req, reply) => {
      await accounts.transfer(actorOf(req), req.params.id, req.body.pool_id, req.body.reason ?? null);
      return reply.status(204).send();
    },
  );
  r.get(
    '/api/v1/accounts/:id/team',
    {
      schema: {
        tags,
        summary: 'Account team: people working the account beside its owner',
        response: responses({ 200: listOf(AccountTeamMember) }),
        params: id,
      },
    },
    async (req) => ({ data: await accounts.team(actorOf(req), req.params.id) }),
  );
  r.put(
    '/api/v1/accounts/:id/team',
    {
      schema: {
        tags,
        summary: 'Replace the account team (owner, tenant admins)',
        response: responses({ 200: listOf(AccountTeamMember) }),
        params: id,
        body: z.strictObject({
          members: z
            .array(
              z.strictObject({
                user_id: z.string().max(40),
                role: z.string().min(1).max(40).default('member'),
                access: z.enum(['read', 'edit']).default('read'),
              }),
            )
            .max(50),
        }),
      },
    },
    async (req) => ({ data: await accounts.setTeam(actorOf(req), req.params.id, req.body.members) }),
  );
  r.get(
    '/api/v1/accounts/pools/:id/members',
    {
      schema: {
        tags,
        summary: 'Account pool members and admins',
        response: responses({ 200: listOf(AccountPoolMember) }),
        params: id,
      },
    },
    async (req) => ({ data: await accounts.poolMembers(actorOf(req), req.params.id) }),
  );
  r.put(
    '/api/v1/accounts/pools/:id/members',
    {
      schema: {
        tags,
        summary: 'Set account pool members and admins (admin)',
        response: responses({ 204: noContent }),
        params: id,
        body: z.strictObject({
          members: z
            .array(z.strictObject({ user_id: z.string().max(40), role: z.enum(['member', 'admin']) }))
            .max(500),
        }),
      },
    },
    async (req, reply) => {
      await accounts.setPoolMembers(actorOf(req), req.params.id, req.body.members);
      return reply.status(204).send();
    },
  );
}
