/** The outage matrix for tcp (connect, send a line, expect an answer), through the running service. */
import net from 'node:net';
import t from 'tap';
import { startBlackhole } from '../support/blackhole';
import { lazy, runRow, type Row } from '../support/matrix';
import { freePort } from '../support/ports';

/** What the peer does with a connection. */
type Peer = (socket: net.Socket) => void;

/** Answers PING with PONG, after `delayMs`. */
const pong =
  (delayMs = 0): Peer =>
  (s) =>
    s.on('data', (d: Buffer) => {
      if (d.toString().includes('PING')) setTimeout(() => s.destroyed || s.write('PONG\r\n'), delayMs);
    });
/** Answers anything with a line that is not the expected one, then hangs up. */
const wrongLine: Peer = (s) => s.once('data', () => s.end('-ERR unknown command\r\n'));
/** Sends junk for as long as the client reads. */
const junk: Peer = (s) => {
  const chunk = Buffer.alloc(16 * 1024, '#');
  const pump = () => {
    while (!s.destroyed && s.write(chunk));
    if (!s.destroyed) s.once('drain', pump);
  };
  pump();
};

/** A TCP peer on a fixed loopback port that can be stopped and started again on it. */
async function startPeer(peer: Peer) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    peer(s);
  });
  let port = 0;
  const start = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  await start();
  return { port: () => port, start, stop };
}

const shared = {
  pong: lazy(() => startPeer(pong()), (p) => p.stop()),
  slow: lazy(() => startPeer(pong(300)), (p) => p.stop()),
  wrong: lazy(() => startPeer(wrongLine), (p) => p.stop()),
  junk: lazy(() => startPeer(junk), (p) => p.stop()),
};
t.teardown(async () => {
  for (const s of Object.values(shared)) await s.destroy();
});

const tcpAt = (port: number, extra = '') => `type: tcp, host: 127.0.0.1, port: ${port}, send: PING, expect: PONG${extra}`;

const rows: Row[] = [
  {
    name: 'a peer that answers the expected line is ok, with its connect time',
    arrange: async () => ({ check: tcpAt((await shared.pong.get()).port()) }),
    expect: { kind: 'ok', details: { connect_ms: Number } },
  },
  {
    name: 'a peer that is stopped is refused after failureThreshold probes and is ok again once restarted',
    arrange: async (t) => {
      const peer = await startPeer(pong());
      t.teardown(() => peer.stop());
      return { check: tcpAt(peer.port()), stop: peer.stop, start: peer.start };
    },
    expect: { kind: 'outage', errorKind: 'refused', error: 'connection refused' },
  },
  {
    name: 'a peer that accepts and never answers times out at the check timeout',
    arrange: async (t) => {
      const hole = await startBlackhole();
      t.teardown(() => hole.close());
      return { check: tcpAt(hole.port) };
    },
    expect: { kind: 'timeout' },
  },
  {
    name: 'a peer that answers after degradedLatency is degraded, not an error',
    arrange: async () => ({ check: tcpAt((await shared.slow.get()).port(), ', degradedLatency: 100ms') }),
    expect: { kind: 'slow', degradedLatency: 100 },
  },
  {
    name: 'a peer that answers something else and hangs up is an error',
    arrange: async () => ({ check: tcpAt((await shared.wrong.get()).port()) }),
    expect: { kind: 'answer', status: 'error', errorKind: 'assertion', error: 'peer closed the connection without the expected text' },
  },
  {
    name: 'a peer that sends endless junk ends in a bounded error',
    arrange: async () => ({ check: tcpAt((await shared.junk.get()).port()) }),
    expect: { kind: 'answer', status: 'error', errorKind: 'assertion', error: 'expected text not found in the first 65536 bytes' },
  },
  {
    name: 'fifty probes against a dead peer hold no more sockets than one',
    arrange: async () => ({ check: tcpAt(await freePort()) }),
    expect: { kind: 'sockets', cycles: 50 },
  },
  {
    name: 'fifty probes against a hung peer hold no more sockets than one',
    arrange: async (t) => {
      const hole = await startBlackhole();
      t.teardown(() => hole.close());
      return { check: tcpAt(hole.port) };
    },
    expect: { kind: 'sockets', cycles: 50 },
  },
];

for (const row of rows) t.test(row.name, (t) => runRow(t, 'ledger', row));
