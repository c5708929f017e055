// Baseline: a bare Fastify route answering the same JSON object (Fastify's default JSON.stringify).
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

const body = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const app = Fastify({ logger: false });
app.get('/api/health/detailed', async () => body);
await app.listen({ host: '127.0.0.1', port: Number(process.argv[3]) });
