/**
 * Slow clients cannot hold sockets: a connection that sends nothing, or sends a
 * request line and stalls (slowloris), is closed by the server's request
 * timers (10 s, swept every second), never left open.
 */
import t from 'tap';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startApp } from '../support/app';

function closedWithin(port: number, send: string, limitMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => {
      if (send) socket.write(send);
    });
    socket.resume(); // read (and discard) so the server's close is seen
    socket.on('error', () => {});
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(null);
    }, limitMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

t.test('silent and stalled connections are closed by the server', async (t) => {
  const h = await startApp('{}\n');
  t.teardown(() => h.close());
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = h.app.server.address() as AddressInfo;

  const [silent, stalled] = await Promise.all([
    closedWithin(port, '', 30_000),
    closedWithin(port, 'GET /api/health HTTP/1.1\r\nHost: x\r\n', 30_000),
  ]);
  t.ok(silent !== null, `a connection that sends nothing is closed (after ${silent} ms)`);
  t.ok(stalled !== null, `a request whose headers never finish is closed (after ${stalled} ms)`);
  t.ok((silent ?? 0) >= 9_000 && (stalled ?? 0) >= 9_000, 'not before the 10 s request timeout');
});
