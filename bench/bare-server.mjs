// Baseline: a bare Fastify route answering the same JSON object with an exact response schema
// (fast-json-stringify), at the same path as the service. No logger, no hooks.
//   node bench/bare-server.mjs BODY_FILE PORT PATH [STATUS]
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';
import { exactSchema } from './lib.mjs';

const [file, port, route = '/api/health/detailed', status = '200'] = process.argv.slice(2);
const body = JSON.parse(readFileSync(file, 'utf8'));
const app = Fastify({ logger: false });
app.get(route, { schema: { response: { [status]: exactSchema(body) } } }, async (_req, reply) => reply.code(Number(status)).send(body));
await app.listen({ host: '127.0.0.1', port: Number(port) });
