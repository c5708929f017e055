/**
 * Plain TCP (optionally TLS) check: connect, optionally send a line and wait
 * for an expected substring in what the peer sends back.
 */
import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { Checker, CheckDeps, Outcome, TcpCheckConfig } from '../types';
import { classifyError } from './errors';
import { roundMs } from '../units';

/** Bytes of the peer's answer read at most while looking for `expect`. */
export const TCP_MAX_READ_BYTES = 64 * 1024;


/**
 * Creates a TCP checker. Each probe opens one fresh connection and destroys
 * it before settling, so an aborted or failed probe holds no socket.
 * With `tls: true` the peer's certificate is verified against the system CAs.
 */
export function createTcpCheck(config: TcpCheckConfig, _deps: CheckDeps): Checker {
  return {
    name: config.name,
    type: 'tcp',
    check: (signal) => probe(config, signal),
    close: async () => {},
  };
}

function probe(config: TcpCheckConfig, signal: AbortSignal): Promise<Outcome> {
  if (signal.aborted) return Promise.resolve({ status: 'error', errorKind: 'timeout', error: 'timed out' });
  return new Promise<Outcome>((resolve) => {
    const started = performance.now();
    const details: Record<string, number> = {};
    let received = Buffer.alloc(0);
    let settled = false;

    const socket: net.Socket = config.tls
      ? tls.connect({ host: config.host, port: config.port, servername: net.isIP(config.host) ? undefined : config.host })
      : net.connect({ host: config.host, port: config.port });

    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ ...outcome, details });
    };
    const onAbort = (): void => finish({ status: 'error', errorKind: 'timeout', error: 'timed out' });
    signal.addEventListener('abort', onAbort, { once: true });

    socket.on('error', (err) => finish({ status: 'error', ...classifyError(err) }));
    socket.once('connect', () => {
      details.connect_ms = roundMs(performance.now() - started);
      if (!config.tls) onReady();
    });
    socket.once('secureConnect', () => {
      details.tls_ms = roundMs(performance.now() - started - (details.connect_ms ?? 0));
      onReady();
    });

    function onReady(): void {
      // `send` is a line: terminated with CRLF unless it already ends with a newline.
      if (config.send !== null) socket.write(config.send.endsWith('\n') ? config.send : `${config.send}\r\n`);
      if (config.expect === null) {
        if (config.send === null) return finish({ status: 'ok' });
        // Wait until the line is flushed, so a peer that resets at once is still noticed.
        socket.write('', () => finish({ status: 'ok' }));
        return;
      }
      const expected = Buffer.from(config.expect);
      socket.on('data', (chunk: Buffer) => {
        const room = TCP_MAX_READ_BYTES - received.length;
        received = Buffer.concat([received, chunk.subarray(0, Math.max(0, room))]);
        if (received.includes(expected)) return finish({ status: 'ok' });
        if (received.length >= TCP_MAX_READ_BYTES) {
          finish({ status: 'error', errorKind: 'assertion', error: `expected text not found in the first ${TCP_MAX_READ_BYTES} bytes` });
        }
      });
      socket.once('end', () =>
        finish({ status: 'error', errorKind: 'assertion', error: 'peer closed the connection without the expected text' }),
      );
    }
  });
}
