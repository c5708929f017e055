/**
 * A response body built once and served many times: its ETag, and its gzip
 * and brotli forms compressed on first demand, so a thousand visitors cost
 * one compression per change instead of a thousand.
 */
import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface Variant {
  readonly text: string;
  readonly etag: string;
  readonly type: string;
  gzip?: Buffer;
  br?: Buffer;
}

export const etagOf = (text: string, suffix = ''): string => `"${createHash('sha1').update(text).digest('base64url').slice(0, 20)}${suffix}"`;

export const variant = (text: string, type: string, etag = etagOf(text)): Variant => ({ text, etag, type });

const accepts = (name: string) => new RegExp(`(^|,)\\s*${name}\\s*(;\\s*q=(?!0(\\.0*)?\\s*(,|$))[0-9.]+)?\\s*(,|$)`, 'i');
const BR = accepts('br');
const GZIP = accepts('gzip');

/** br, then gzip, by what the client accepts (a q=0 refuses). */
export function negotiate(accept: string | string[] | undefined): 'br' | 'gzip' | null {
  const header = Array.isArray(accept) ? accept.join(',') : (accept ?? '');
  if (header === '') return null;
  if (BR.test(header)) return 'br';
  if (GZIP.test(header)) return 'gzip';
  return null;
}

/** True when the request's If-None-Match names this ETag (or is *). */
export function notModified(req: FastifyRequest, etag: string): boolean {
  const inm = req.headers['if-none-match'];
  if (typeof inm !== 'string') return false;
  return inm.trim() === '*' || inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** Sends `v` (304 when the client has it), pre-compressed when the client accepts it. */
export function sendVariant(req: FastifyRequest, reply: FastifyReply, v: Variant, cacheControl: string): FastifyReply {
  reply.header('etag', v.etag).header('cache-control', cacheControl);
  reply.header('vary', 'Origin, Accept-Encoding');
  if (notModified(req, v.etag)) return reply.code(304).send();
  reply.type(v.type);
  const enc = v.text.length < 1024 ? null : negotiate(req.headers['accept-encoding']);
  if (enc === 'br') {
    v.br ??= brotliCompressSync(v.text, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } });
    return reply.header('content-encoding', 'br').send(v.br);
  }
  if (enc === 'gzip') {
    v.gzip ??= gzipSync(v.text, { level: 6 });
    return reply.header('content-encoding', 'gzip').send(v.gzip);
  }
  return reply.send(v.text);
}
