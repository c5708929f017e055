import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './errors';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * A preHandler that requires `Authorization: Bearer <token>`, or undefined
 * when `token` is empty (public routes then pay for no hook at all). Both sides
 * are hashed first so the comparison is constant-time whatever the length of
 * what the caller sent.
 */
export function bearerAuth(token: string, refused = 'detail route refused') {
  if (token === '') return undefined;
  const expected = digest(token);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (match && timingSafeEqual(digest(match[1]!), expected)) return;
    // The log says why; the caller is told only that it needs a token.
    req.log.info({ context: { auth: match ? 'wrong token' : 'missing bearer token' } }, refused);
    reply.header('www-authenticate', 'Bearer realm="health"');
    return sendError(reply, 401, 'a valid bearer token is required');
  };
}
