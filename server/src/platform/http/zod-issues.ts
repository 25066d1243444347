import type { z } from 'zod';
import { invalid, type FieldIssue } from './errors.ts';

/** zod problems as field issues: `lines[2].quantity`, named the way the request wrote them. */
export function zodIssues(prefix: string, e: z.ZodError): FieldIssue[] {
  return e.issues.slice(0, 20).map((i) => {
    let field = prefix;
    for (const x of i.path) field += typeof x === 'number' ? `[${x}]` : field ? `.${String(x)}` : String(x);
    const issue =
      i.message === 'invalid_date'
        ? ('invalid_date' as const)
        : i.code === 'invalid_type' && i.message.endsWith('received undefined')
          ? ('required' as const)
          : ('invalid_value' as const);
    return { field: field || 'body', issue };
  });
}

/** A request body parsed by a schema; every problem is a 422 naming its field, nothing written. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw invalid(zodIssues('', r.error));
  return r.data;
}
