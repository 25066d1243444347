// The cash module's request parsing is the platform's (kept here for the module's imports).
export { parseBody, zodIssues } from '../../platform/http/zod-issues.ts';
