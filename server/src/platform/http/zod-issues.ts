import type { z } from 'zod';
import { invalid, type FieldIssue } from './errors.ts';

/** A zod path as the request wrote it: `lines[2].quantity`. */
function fieldName(prefix: string, path: readonly PropertyKey[]): string {
  let field = prefix;
  for (const x of path) field += typeof x === 'number' ? `[${x}]` : field ? `.${String(x)}` : String(x);
  return field;
}

/**
 * zod problems as field issues, named the way the request wrote them; a key a strict schema
 * does not know is named itself (`lines[0].colour: unknown_field`), not the object holding it.
 */
export function zodIssues(prefix: string, e: z.ZodError): FieldIssue[] {
  return e.issues
    .flatMap((i): FieldIssue[] => {
      if (i.code === 'unrecognized_keys')
        return i.keys.map((k) => ({ field: fieldName(prefix, [...i.path, k]), issue: 'unknown_field' }));
      const issue =
        i.message === 'invalid_date'
          ? ('invalid_date' as const)
          : i.code === 'invalid_type' && i.message.endsWith('received undefined')
            ? ('required' as const)
            : ('invalid_value' as const);
      return [{ field: fieldName(prefix, i.path) || 'body', issue }];
    })
    .slice(0, 20);
}

/** A request body parsed by a schema; every problem is a 422 naming its field, nothing written. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw invalid(zodIssues('', r.error));
  return r.data;
}
