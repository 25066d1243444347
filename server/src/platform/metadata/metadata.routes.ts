import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { actorOf, adminOf } from '../http/auth.hooks.ts';
import { can } from '../access/permissions.ts';
import { forbidden } from '../http/errors.ts';
import type { MetadataRegistry } from './registry.ts';
import {
  fieldPatchSchema,
  newFieldSchema,
  newObjectSchema,
  type MetadataService,
} from './metadata.service.ts';
import { dataOf, listOf, ObjectMeta, responses } from '../http/response-schemas.ts';

export function registerMetadataRoutes(
  app: FastifyInstance,
  registry: MetadataRegistry,
  metadata: MetadataService,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['metadata'];
  r.get(
    '/api/v1/metadata/objects',
    {
      schema: {
        tags,
        summary: 'Objects the caller may read',
        response: responses({ 200: listOf(ObjectMeta) }),
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const all = [...(await registry.objects(actor.tenantId)).values()].filter((o) =>
        can(actor, o.apiName, 'read'),
      );
      return { data: all.map((o) => metadata.describe(actor, o)) };
    },
  );
  r.get(
    '/api/v1/metadata/objects/:object',
    {
      schema: {
        tags,
        summary: 'One object with its fields',
        params: z.object({ object: z.string() }),
        response: responses({ 200: dataOf(ObjectMeta) }),
      },
    },
    async (req) => {
      const actor = actorOf(req);
      const obj = await registry.get(actor.tenantId, req.params.object);
      if (!can(actor, obj.apiName, 'read')) throw forbidden();
      return { data: metadata.describe(actor, obj) };
    },
  );
  r.post(
    '/api/v1/metadata/objects',
    {
      schema: {
        tags,
        summary: 'Create a custom object (admin)',
        body: newObjectSchema,
        response: responses({ 201: dataOf(ObjectMeta) }),
      },
    },
    async (req, reply) => {
      const actor = adminOf(req);
      const obj = await metadata.createObject(actor, req.body);
      return reply.status(201).send({ data: metadata.describe(actor, obj) });
    },
  );
  r.patch(
    '/api/v1/metadata/objects/:object',
    {
      schema: {
        tags,
        summary: 'Rename a custom object (admin)',
        response: responses({ 200: dataOf(ObjectMeta) }),
        params: z.object({ object: z.string() }),
        body: z.strictObject({
          label: newObjectSchema.shape.label.optional(),
          plural_label: newObjectSchema.shape.label.optional(),
        }),
      },
    },
    async (req) => {
      const actor = adminOf(req);
      return {
        data: metadata.describe(actor, await metadata.updateObject(actor, req.params.object, req.body)),
      };
    },
  );
  r.patch(
    '/api/v1/metadata/objects/:object/fields/:field',
    {
      schema: {
        tags,
        summary: 'Change a custom field: labels, required, options (admin)',
        response: responses({ 200: dataOf(ObjectMeta) }),
        params: z.object({ object: z.string(), field: z.string() }),
        body: fieldPatchSchema,
      },
    },
    async (req) => {
      const actor = adminOf(req);
      await metadata.updateField(actor, req.params.object, req.params.field, req.body);
      return { data: metadata.describe(actor, await registry.get(actor.tenantId, req.params.object)) };
    },
  );
  r.post(
    '/api/v1/metadata/objects/:object/fields',
    {
      schema: {
        tags,
        summary: 'Add a custom field (admin)',
        response: responses({ 201: dataOf(ObjectMeta) }),
        params: z.object({ object: z.string() }),
        body: newFieldSchema,
      },
    },
    async (req, reply) => {
      const actor = adminOf(req);
      await metadata.createField(actor, req.params.object, req.body);
      const obj = await registry.get(actor.tenantId, req.params.object);
      return reply.status(201).send({ data: metadata.describe(actor, obj) });
    },
  );
}
