/**
 * The outage matrix for http, through the running service: every row runs
 * against a plain HTTP server and against an HTTPS server whose certificate is
 * generated here (trusted through `caFile`).
 */
import t from 'tap';
import { startBlackhole } from '../support/blackhole';
import { endless, reply, slow, startHttpServer, type Route } from '../support/http';
import { lazy, runRow, type Row } from '../support/matrix';
import { freePort } from '../support/ports';
import { makeCert } from '../support/tls';

const BODY = { status: 'ok' };
const routes: Record<string, Route> = {
  '/health': reply(200, BODY),
  '/slow': slow(300, reply(200, BODY)),
  '/broken': reply(500, { status: 'error' }),
  '/maintenance': reply(200, { status: 'maintenance' }),
  '/endless': endless,
};

const cert = makeCert(90);
const expiring = makeCert(5);
t.teardown(() => {
  cert.remove();
  expiring.remove();
});
const servers = {
  http: lazy(() => startHttpServer(routes), (s) => s.stop()),
  https: lazy(() => startHttpServer(routes, cert), (s) => s.stop()),
};
t.teardown(async () => {
  await servers.http.destroy();
  await servers.https.destroy();
});

type Scheme = keyof typeof servers;

function rowsFor(scheme: Scheme): Row[] {
  const tls = scheme === 'https' ? `, caFile: "${cert.certFile}"` : '';
  const at = (port: number, path = '/health', extra = '') =>
    `type: http, url: "${scheme}://127.0.0.1:${port}${path}", expectBody: '"status":"ok"'${tls}${extra}`;
  const shared = async (path?: string, extra?: string) => ({ check: at((await servers[scheme].get()).port, path, extra) });
  const hung = async (t: Parameters<Row['arrange']>[0]) => {
    const hole = await startBlackhole();
    t.teardown(() => hole.close());
    return { check: at(hole.port) };
  };
  return [
    {
      name: `a healthy ${scheme} endpoint is ok with its status code and body size`,
      arrange: () => shared(),
      expect: {
        kind: 'ok',
        details: { status_code: 200, response_bytes: JSON.stringify(BODY).length, timings_ms: Object },
        also: (t, d) => {
          if (scheme === 'http') return t.equal(d.tls_days_remaining, undefined, 'no certificate, no expiry');
          t.ok(d.tls_days_remaining > 89 && d.tls_days_remaining <= 90, `certificate expires in ${d.tls_days_remaining} days`);
        },
      },
    },
    {
      name: `a stopped ${scheme} server is refused after failureThreshold probes and is ok again once restarted`,
      arrange: async (t) => {
        const server = await startHttpServer(routes, scheme === 'https' ? cert : undefined);
        t.teardown(() => server.stop());
        return { check: at(server.port), stop: () => server.stop(), start: () => server.start() };
      },
      expect: { kind: 'outage', errorKind: 'refused', error: 'connection refused' },
    },
    {
      name: `a ${scheme} server that accepts and never answers times out at the check timeout`,
      arrange: hung,
      expect: { kind: 'timeout' },
    },
    {
      name: `a ${scheme} endpoint answering after degradedLatency is degraded, not an error`,
      arrange: () => shared('/slow', ', degradedLatency: 100ms'),
      expect: { kind: 'slow', degradedLatency: 100 },
    },
    {
      name: `an unexpected ${scheme} status is an error naming what came back`,
      arrange: () => shared('/broken'),
      expect: { kind: 'answer', status: 'error', errorKind: 'assertion', error: 'expected status 200-299, got 500' },
    },
    {
      name: `a ${scheme} body without the keyword is an error`,
      arrange: () => shared('/maintenance'),
      expect: { kind: 'answer', status: 'error', errorKind: 'assertion', error: 'response body does not contain the expected text' },
    },
    {
      name: `an endless ${scheme} body ends in a bounded error`,
      arrange: () => shared('/endless'),
      expect: { kind: 'answer', status: 'error', errorKind: 'assertion', error: 'response body larger than 65536 bytes' },
    },
    {
      name: `fifty probes against a dead ${scheme} server hold no more sockets than one`,
      arrange: async () => ({ check: at(await freePort()) }),
      expect: { kind: 'sockets', cycles: 50 },
    },
    {
      name: `fifty probes against a hung ${scheme} server hold no more sockets than one`,
      arrange: hung,
      expect: { kind: 'sockets', cycles: 50 },
    },
  ];
}

const tlsRows: Row[] = [
  {
    name: 'a certificate that expires within certExpiryWarning is degraded with kind tls',
    arrange: async (t) => {
      const server = await startHttpServer(routes, expiring);
      t.teardown(() => server.stop());
      return { check: `type: http, url: "https://127.0.0.1:${server.port}/health", caFile: "${expiring.certFile}", certExpiryWarning: 14` };
    },
    expect: { kind: 'answer', status: 'degraded', errorKind: 'tls', error: /^TLS certificate expires in [45] days$/ },
  },
  {
    name: 'a certificate nobody vouches for is a tls error',
    arrange: async () => ({ check: `type: http, url: "https://127.0.0.1:${(await servers.https.get()).port}/health"` }),
    expect: { kind: 'answer', status: 'error', errorKind: 'tls', error: /^TLS handshake failed/ },
  },
];

for (const row of [...rowsFor('http'), ...rowsFor('https'), ...tlsRows]) t.test(row.name, (t) => runRow(t, 'api', row));
