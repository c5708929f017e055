// Baseline: a bare Fastify route answering the same bytes (argv[2], already gzip-compressed) on argv[3].
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

const gz = readFileSync(process.argv[2]);
const app = Fastify({ logger: false });
app.get('/api/status', (_req, reply) => reply.header('content-type', 'application/json; charset=utf-8').header('content-encoding', 'gzip').send(gz));
await app.listen({ host: '127.0.0.1', port: Number(process.argv[3]) });
