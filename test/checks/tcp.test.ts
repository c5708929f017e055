import t from 'tap';
import net from 'node:net';
import tls from 'node:tls';
import pino from 'pino';
import { createTcpCheck } from '../../src/checks/tcp';
import type { Checker, TcpCheckConfig } from '../../src/types';
import { startBlackhole } from '../support/blackhole';
import { eventually, openSocketCount } from '../support/http';
import { makeCert } from '../support/tls';

const logger = pino({ level: 'silent' });

function baseCommon() {
  return {
    name: 'ledger', interval: 15_000, timeout: 3000, failureThreshold: 2, successThreshold: 1, critical: true,
    degradedLatency: null, displayName: 'Ledger', group: 'Services', dependsOn: [],
  } as const;
}

function tcpConfig(port: number, over: Partial<TcpCheckConfig> = {}): TcpCheckConfig {
  return { ...baseCommon(), type: 'tcp', host: '127.0.0.1', port, send: null, expect: null, tls: false, ...over };
}

/** A TCP peer on a free port whose behaviour per connection is `onConn`. */
async function startPeer(onConn: (s: net.Socket) => void) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    onConn(s);
  });
  let port = 0;
  const start = () => new Promise<void>((res) => server.listen(port, '127.0.0.1', () => {
    port = (server.address() as net.AddressInfo).port;
    res();
  }));
  await start();
  return {
    port,
    start,
    stop: () => new Promise<void>((res) => {
      for (const s of sockets) s.destroy();
      server.close(() => res());
    }),
  };
}

const banner = (s: net.Socket) => s.write('+OK ledger ready\r\n');
const echoPong = (s: net.Socket) => s.on('data', (d) => { if (d.toString().startsWith('PING')) s.write('PONG\r\n'); });
const junkThenClose = (s: net.Socket) => s.end('\x00\x01garbage\r\n');
const endlessJunk = (s: net.Socket) => {
  const chunk = Buffer.alloc(8192, 0x41);
  const pump = () => { while (!s.destroyed && s.write(chunk)); if (!s.destroyed) s.once('drain', pump); };
  pump();
};

function run(check: Checker, abortAfterMs?: number) {
  const ac = new AbortController();
  const timer = abortAfterMs === undefined ? undefined : setTimeout(() => ac.abort(), abortAfterMs);
  return check.check(ac.signal).finally(() => clearTimeout(timer));
}

const cases: Array<{ name: string; peer: (s: net.Socket) => void; over: Partial<TcpCheckConfig>; status: string; kind?: string }> = [
  { name: 'a peer that accepts is ok', peer: () => {}, over: {}, status: 'ok' },
  { name: 'a banner containing the expected text is ok', peer: banner, over: { expect: '+OK' }, status: 'ok' },
  { name: 'a reply to the sent line containing the expected text is ok', peer: echoPong, over: { send: 'PING', expect: 'PONG' }, status: 'ok' },
  { name: 'sending without expecting anything is ok', peer: () => {}, over: { send: 'PING' }, status: 'ok' },
  { name: 'junk and a close instead of the expected text is an assertion error', peer: junkThenClose, over: { expect: '+OK' }, status: 'error', kind: 'assertion' },
  { name: 'an endless stream of junk is an assertion error after a bounded read', peer: endlessJunk, over: { expect: '+OK' }, status: 'error', kind: 'assertion' },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const peer = await startPeer(c.peer);
    const check = createTcpCheck(tcpConfig(peer.port, c.over), { logger });
    t.teardown(async () => { await check.close(); await peer.stop(); });
    const out = await run(check, 5000);
    t.equal(out.status, c.status, out.error ?? 'no error');
    t.equal(out.errorKind, c.kind);
    t.type(out.details?.connect_ms, 'number', 'connect time is reported');
    if (out.error) t.notMatch(out.error, new RegExp(`127\\.0\\.0\\.1|${peer.port}`), 'the error names no host or port');
  });
}

t.test('a stopped peer is refused, and the same checker is ok once it is back', async (t) => {
  const peer = await startPeer(banner);
  const check = createTcpCheck(tcpConfig(peer.port, { expect: 'ready' }), { logger });
  t.teardown(async () => { await check.close(); await peer.stop(); });
  t.equal((await run(check, 5000)).status, 'ok');
  await peer.stop();
  const down = await run(check, 5000);
  t.match(down, { status: 'error', errorKind: 'refused', error: 'connection refused' });
  await peer.start();
  t.equal((await run(check, 5000)).status, 'ok');
});

t.test('a blackhole: the probe settles as soon as the signal aborts and leaves no connection', async (t) => {
  const hole = await startBlackhole();
  const check = createTcpCheck(tcpConfig(hole.port, { expect: 'PONG' }), { logger });
  t.teardown(async () => { await check.close(); await hole.close(); });
  const started = Date.now();
  const out = await run(check, 100);
  t.match(out, { status: 'error', errorKind: 'timeout' });
  t.ok(Date.now() - started < 2000, 'settled at the abort, not later');
  t.ok(await eventually(() => hole.openConnections() === 0), 'the connection was closed');
});

t.test('a peer that reads the sent line and never answers: closed at the abort', async (t) => {
  // (startBlackhole never reads, so it would never see our FIN after we sent something.)
  let open = 0;
  const peer = await startPeer((s) => { open++; s.resume(); s.on('close', () => open--); });
  const check = createTcpCheck(tcpConfig(peer.port, { send: 'PING', expect: 'PONG' }), { logger });
  t.teardown(async () => { await check.close(); await peer.stop(); });
  t.match(await run(check, 100), { status: 'error', errorKind: 'timeout' });
  t.ok(await eventually(() => open === 0), 'the connection was closed');
});

t.test('an already aborted signal settles at once without connecting', async (t) => {
  const hole = await startBlackhole();
  const check = createTcpCheck(tcpConfig(hole.port), { logger });
  t.teardown(async () => { await check.close(); await hole.close(); });
  const out = await check.check(AbortSignal.abort());
  t.match(out, { status: 'error', errorKind: 'timeout' });
  t.equal(hole.openConnections(), 0);
});

t.test('50 probes against a blackhole and a dead port leave no growing number of sockets', async (t) => {
  const hole = await startBlackhole();
  const dead = await startPeer(() => {});
  await dead.stop();
  const hung = createTcpCheck(tcpConfig(hole.port, { expect: 'x' }), { logger });
  const refused = createTcpCheck(tcpConfig(dead.port), { logger });
  t.teardown(async () => { await hung.close(); await refused.close(); await hole.close(); });
  await run(hung, 20);
  await run(refused);
  const before = openSocketCount();
  for (let i = 0; i < 50; i++) {
    t.equal((await run(hung, 20)).errorKind, 'timeout');
    t.equal((await run(refused)).errorKind, 'refused');
  }
  t.ok(await eventually(() => openSocketCount() <= before + 2), `sockets stay bounded (${before} before, ${openSocketCount()} after)`);
  t.ok(await eventually(() => hole.openConnections() === 0), 'the blackhole holds none of our connections');
});

t.test('TLS: a self-signed peer is a tls error; the connect time is still reported', async (t) => {
  const cert = makeCert(30);
  const server = tls.createServer({ key: cert.key, cert: cert.cert }, (s) => s.end('+OK\r\n'));
  server.on('tlsClientError', () => {});
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const { port } = server.address() as net.AddressInfo;
  const check = createTcpCheck(tcpConfig(port, { tls: true, expect: '+OK' }), { logger });
  t.teardown(async () => { await check.close(); await new Promise((r) => server.close(r)); cert.remove(); });
  const out = await run(check, 5000);
  t.match(out, { status: 'error', errorKind: 'tls' });
  t.type(out.details?.connect_ms, 'number');
});
