import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

/**
 * Serves the built web app (web/dist) from the API process: one process, one port. Any other
 * non-API GET path answers with index.html, so deep links survive a reload. Files are looked up
 * per request, so rebuilding the app while the server runs needs no restart.
 */
export async function serveWebApp(app: FastifyInstance, distDir: string): Promise<boolean> {
  const index = path.join(distDir, 'index.html');
  if (!fs.existsSync(index)) return false;
  await app.register(fastifyStatic, { root: distDir, serve: false, cacheControl: false });
  const sendIndex = async (reply: FastifyReply): Promise<FastifyReply> =>
    reply
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(await fs.promises.readFile(index));
  // The page routes are not API: kept out of the OpenAPI document (and so out of the generated
  // web types, which would otherwise change with whether a web build happens to exist).
  const hidden = { schema: { hide: true } };
  app.get('/', hidden, async (_req, reply) => sendIndex(reply));
  app.get('/*', hidden, async (req, reply) => {
    let url: string;
    try {
      url = decodeURIComponent(req.url.split('?')[0] ?? '/');
    } catch {
      return sendIndex(reply); // malformed escapes: not a file of ours
    }
    if (url.startsWith('/api/')) return reply.callNotFound();
    const file = path.resolve(distDir, `.${path.posix.normalize(url)}`);
    if (file.startsWith(distDir + path.sep) && file !== index) {
      const stat = await fs.promises.stat(file).catch(() => undefined);
      if (stat?.isFile()) {
        // Vite puts content-hashed files under assets/: they never change.
        reply.header(
          'cache-control',
          url.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
        return reply.sendFile(path.relative(distDir, file));
      }
    }
    return sendIndex(reply);
  });
  return true;
}
