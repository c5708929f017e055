import t from 'tap';
import net from 'node:net';
import { Client } from 'pg';
import { startPostgres } from './postgres';
import { startRedis } from './redis';
import { startBlackhole } from './blackhole';

t.test('a test PostgreSQL answers, stops and starts again on the same port', async (t) => {
  const pg = await startPostgres();
  t.teardown(() => pg.destroy());
  const q = async () => {
    const c = new Client({ connectionString: pg.url });
    c.on('error', () => {});
    await c.connect();
    try { return (await c.query('select 1 as one')).rows[0].one; } finally { await c.end(); }
  };
  t.equal(await q(), 1);
  await pg.stop();
  await t.rejects(q(), { code: 'ECONNREFUSED' });
  await pg.start();
  t.equal(await q(), 1);
});

t.test('a test Redis accepts connections until stopped', async (t) => {
  const r = await startRedis();
  t.teardown(() => r.destroy());
  const connects = () => new Promise<boolean>((res) => {
    const s = net.connect(r.port, '127.0.0.1', () => { s.destroy(); res(true); });
    s.on('error', () => res(false));
  });
  t.equal(await connects(), true);
  await r.stop();
  t.equal(await connects(), false);
});

t.test('a blackhole accepts and never answers', async (t) => {
  const b = await startBlackhole();
  t.teardown(() => b.close());
  const s = net.connect(b.port, '127.0.0.1');
  await new Promise((res) => s.on('connect', res));
  while (b.openConnections() === 0) await new Promise((res) => setImmediate(res));
  t.equal(b.openConnections(), 1, 'the blackhole holds the connection open');
  let got = '';
  s.on('data', (d) => (got += d));
  s.write('PING\r\n');
  await new Promise((res) => setTimeout(res, 50));
  t.equal(got, '', 'and never answers');
  s.destroy();
});
