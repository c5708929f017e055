import type { FastifyReply } from 'fastify';
import { STATUS_CODES } from 'node:http';

/** The one JSON error shape: `{ error, message, status_code }`. Never a stack. */
export const errorSchema = {
  type: 'object',
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
    status_code: { type: 'integer' },
  },
  required: ['error', 'message', 'status_code'],
} as const;

export function errorCode(status: number): string {
  return (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z]+/g, '_');
}

/** Sends a JSON error (`code` defaults to the status's name). Sent as a string so no route's response schema can reshape it. */
export function sendError(reply: FastifyReply, status: number, message: string, code = errorCode(status)): FastifyReply {
  return reply
    .code(status)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ error: code, message, status_code: status }));
}
