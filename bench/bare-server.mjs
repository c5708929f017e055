// Baseline: a bare Fastify route answering the same JSON object with an exact response schema
// (fast-json-stringify), at the same path as the service. No logger, no hooks.
//   node bench/bare-server.mjs BODY_FILE PORT PATH [STATUS]
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';
import { exactSchema } from './lib.mjs';

const [file, port, route = '/api/health/detailed', status = '200'] = process.argv.slice(2);
const text = readFileSync(file, 'utf8');
const body = JSON.parse(text);
const app = Fastify({ logger: false });
if (JSON.stringify(body) === text) {
  app.get(route, { schema: { response: { [status]: exactSchema(body) } } }, async (_req, reply) => reply.code(Number(status)).send(body));
} else {
  // A pretty-printed body (the summary, for keyword monitors): the same bytes, as a ready string.
  app.get(route, { schema: { response: { [status]: { type: 'string' } } } }, async (_req, reply) =>
    reply.code(Number(status)).type('application/json; charset=utf-8').send(text),
  );
}
await app.listen({ host: '127.0.0.1', port: Number(port) });
