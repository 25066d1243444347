import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

/**
 * Serves the built web app (web/dist) from the API process: one process, one port. Every file
 * of the build gets its own route; any other non-API GET path answers with index.html, so deep
 * links survive a reload.
 */
export async function serveWebApp(app: FastifyInstance, distDir: string): Promise<boolean> {
  const index = path.join(distDir, 'index.html');
  if (!fs.existsSync(index)) return false;
  await app.register(fastifyStatic, {
    root: distDir,
    prefix: '/',
    wildcard: false,
    index: false,
    // our own cache-control below
    cacheControl: false,
    setHeaders(res, filePath) {
      // Vite puts content-hashed files under assets/: they never change.
      if (filePath.includes(`${path.sep}assets${path.sep}`))
        res.header('cache-control', 'public, max-age=31536000, immutable');
      else res.header('cache-control', 'no-cache');
    },
  });
  const html = fs.readFileSync(index);
  const sendIndex = async (reply: FastifyReply): Promise<FastifyReply> =>
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  app.get('/', async (_req, reply) => sendIndex(reply));
  app.get('/*', async (req, reply) => {
    if (req.url.startsWith('/api/')) return reply.callNotFound();
    return sendIndex(reply);
  });
  return true;
}
