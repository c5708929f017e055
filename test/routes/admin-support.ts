/** A real app with one check up (a listening socket), one down (a closed port) and one hidden, for the operator API tests. */
import net from 'node:net';
import type { Test } from 'tap';
import { eventually, startApp, type TestApp } from '../support/app';
import { freePort } from '../support/ports';

export const TOKEN = 'op-admin-canary-5c1e';
export const AUTH = { authorization: `Bearer ${TOKEN}` };

export interface OperatorHarness {
  readonly h: TestApp;
  get(url: string): Promise<{ statusCode: number; body: string; headers: Record<string, unknown>; json(): any }>;
  post(url: string, payload: unknown, headers?: Record<string, string>): Promise<{ statusCode: number; body: string; headers: Record<string, unknown>; json(): any }>;
}

export async function startOperatorApp(t: Test, opts: { extra?: string; server?: string; storage?: string } = {}): Promise<OperatorHarness> {
  const listener = net.createServer((s) => s.end());
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => listener.close(() => r())));
  const upPort = (listener.address() as net.AddressInfo).port;
  const downPort = await freePort();
  const h = await startApp(`
service: { name: operator-test }
server: ${opts.server ?? `{ adminToken: ${TOKEN} }`}
${opts.storage ?? ''}
statusPage: { title: "Example status", url: "https://status.example.com", hidden: [secret-db] }
defaults: { interval: 300ms, timeout: 200ms, failureThreshold: 1 }
checks:
  - { name: up, type: tcp, host: 127.0.0.1, port: ${upPort}, displayName: "Public API", group: Core }
  - { name: down, type: tcp, host: 127.0.0.1, port: ${downPort}, displayName: "Payments" }
  - { name: soft, type: tcp, host: 127.0.0.1, port: ${downPort}, critical: false }
  - { name: secret-db, type: tcp, host: 127.0.0.1, port: ${downPort} }
${opts.extra ?? ''}`);
  t.teardown(() => h.close());
  await eventually(() => {
    const snap = h.app.health.store.snapshot();
    return snap.checks.every((c) => c.status !== 'unknown');
  }, 'every check has a first result');
  return {
    h,
    get: (url) => h.app.inject({ url }),
    post: (url, payload, headers = AUTH) => h.app.inject({ method: 'POST', url, payload: payload as object, headers }),
  };
}
