/**
 * CORS for the public status reads (CONTRACT §4.6, `server.corsOrigins`):
 * a status widget on another origin may read them; nothing else is shared.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

/** `server.corsOrigins` as a per-request step: answers whether the origin is allowed, and says so in the headers. */
export function corsFor(origins: readonly string[]) {
  const any = origins.includes('*');
  const allowed = new Set(origins);
  return (req: FastifyRequest, reply: FastifyReply): boolean => {
    // Caches must keep one answer per Origin: an allowed origin's headers are not another's.
    reply.header('vary', 'Origin');
    const origin = req.headers.origin;
    if (typeof origin !== 'string' || !(any || allowed.has(origin))) return false;
    reply.header('access-control-allow-origin', any ? '*' : origin);
    return true;
  };
}
