import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, forbidden } from './errors.ts';
import { safeEqual } from '../identity/tokens.ts';
import type { AuthService } from '../identity/auth.service.ts';
import type { Actor } from '../access/permissions.ts';

export const SESSION_COOKIE = 'fw_session';
export const CSRF_COOKIE = 'fw_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the actor from `Authorization: Bearer <api key>` or the session cookie. Cookie-
 * authenticated writes must echo the session's CSRF token in X-CSRF-Token (API keys need not:
 * browsers never attach them on their own).
 */
export function authenticate(auth: AuthService) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const actor = await auth.resolveApiKey(header.slice(7).trim());
      if (!actor) throw new AppError('unauthorized', 'unauthorized');
      req.actor = withRequestLocale(req, actor);
      return;
    }
    const token = req.cookies[SESSION_COOKIE];
    if (!token) throw new AppError('unauthorized', 'unauthorized');
    const s = await auth.resolveSession(token);
    if (s === 'expired') throw new AppError('unauthorized', 'session_expired');
    if (!s) throw new AppError('unauthorized', 'unauthorized');
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !safeEqual(sent, s.csrfToken))
        throw new AppError('forbidden', 'csrf_failed');
    }
    req.actor = withRequestLocale(req, s.actor);
    req.sessionId = s.sessionId;
    req.locale = req.actor.locale;
  };
}

/** An explicit Accept-Language wins over the user's saved language (exports, messages). */
function withRequestLocale(req: FastifyRequest, actor: Actor): Actor {
  return req.headers['accept-language'] ? { ...actor, locale: req.locale } : actor;
}

/** The authenticated actor (routes run after `authenticate`). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new AppError('unauthorized', 'unauthorized');
  return req.actor;
}

/** For changes to the signed-in person's own account: API keys (which act for their creator) may not. */
export function sessionActorOf(req: FastifyRequest): Actor {
  const a = actorOf(req);
  if (!req.sessionId || a.apiKeyId) throw new AppError('forbidden', 'session_required');
  return a;
}

export function adminOf(req: FastifyRequest): Actor {
  const a = actorOf(req);
  if (!a.isAdmin) throw forbidden();
  return a;
}
