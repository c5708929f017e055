import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './errors';

/** A token as compared: hashed first, so the comparison is constant-time whatever the length sent. */
export const tokenDigest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerOf(header: unknown): string | undefined {
  return typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
}

/** Constant-time: `given` against the digest of the expected token. */
export const tokenMatches = (given: string, expected: Buffer): boolean => timingSafeEqual(tokenDigest(given), expected);

/**
 * A preHandler that requires `Authorization: Bearer <token>`, or undefined
 * when `token` is empty (public routes then pay for no hook at all). Both sides
 * are hashed first so the comparison is constant-time whatever the length of
 * what the caller sent.
 */
export function bearerAuth(token: string, refused = 'detail route refused') {
  if (token === '') return undefined;
  const expected = tokenDigest(token);
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const given = bearerOf(req.headers.authorization);
    if (given !== undefined && tokenMatches(given, expected)) return;
    // The log says why; the caller is told only that it needs a token.
    req.log.info({ context: { auth: given !== undefined ? 'wrong token' : 'missing bearer token' } }, refused);
    reply.header('www-authenticate', 'Bearer realm="health"');
    return sendError(reply, 401, 'a valid bearer token is required');
  };
}
