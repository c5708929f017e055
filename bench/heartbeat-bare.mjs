// Baseline for bench/heartbeat.mjs: a bare Fastify route doing the same work
// as a ping: find the check, compare the token in constant time (sha256 of
// both sides), write the ping to a Map, answer {"ok":true} through a schema.
import Fastify from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';

const [token, port] = process.argv.slice(2);
const digest = (s) => createHash('sha256').update(s).digest();
const checks = new Map([['job', digest(token)]]);
const pings = new Map();
const app = Fastify({ logger: false });
app.get('/api/health/heartbeats/:name', {
  schema: { response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } } } },
}, async (req, reply) => {
  const expected = checks.get(req.params.name);
  if (!expected) return reply.code(404).send({ ok: false });
  const given = req.query.token;
  if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) return reply.code(401).send({ ok: false });
  pings.set(req.params.name, { kind: 'success', at: Date.now(), note: null });
  return { ok: true };
});
await app.listen({ host: '127.0.0.1', port: Number(port) });
