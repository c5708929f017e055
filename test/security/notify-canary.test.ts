/**
 * Notifier secrets (CONTRACT §3.3): canary webhook and Slack URLs, a routing
 * key and a signing secret go into the config; `validate` (valid and
 * invalid configs), every log line at debug while deliveries fail, retry and
 * succeed, and /metrics are searched for them. A notifier is shown by name
 * and type only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { main } from '../../src/cli';
import { startApp } from '../support/app';
import { startReceiver } from '../support/receiver';

const MARK = '5e9b1c';
const S = {
  hookPath: `hook-${MARK}-path`,
  slack: `https://hooks.slack.com/services/T0/B0/${MARK}slackpart`,
  routing: `R${MARK}routingkey`,
  secret: `whsec-${MARK}-signing`,
};
const leaks = (text: string) => [MARK, ...Object.values(S), encodeURIComponent(S.slack)].filter((n) => text.toLowerCase().includes(n.toLowerCase()));

async function cli(args: string[]) {
  let out = '';
  const io = { out: (s: string) => void (out += `${s}\n`), err: (s: string) => void (out += `${s}\n`) };
  const code = await main(args, io);
  return { code, out };
}

t.test('validate shows notifiers by name and type, never their URL, routing key or secret', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ha-notify-canary-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const good = path.join(dir, 'good.yml');
  writeFileSync(good, `
checks: [{ name: db, type: tcp, host: 127.0.0.1, port: 5 }]
notifications:
  - { name: hooks, type: webhook, url: "https://hooks.internal/${S.hookPath}", secret: "${S.secret}" }
  - { name: chat, type: slack, url: "${S.slack}" }
  - { name: oncall, type: pagerduty, routingKey: "${S.routing}" }
`);
  const ok = await cli(['validate', '--config', good]);
  t.equal(ok.code, 0);
  t.strictSame(leaks(ok.out), [], 'no canary in validate output');
  for (const name of ['hooks', 'chat', 'oncall']) t.match(ok.out, `name: ${name}`);
  t.match(ok.out, 'type: pagerduty');

  const bad = path.join(dir, 'bad.yml');
  writeFileSync(bad, `
checks: [{ name: db, type: tcp, host: 127.0.0.1, port: 5 }]
notifications:
  - { name: hooks, type: webhook, url: "ftp://hooks.internal/${S.hookPath}", secret: ["${S.secret}"] }
  - { name: chat, type: slack, url: "${S.slack}", routingKey: "${S.routing}" }
  - { name: oncall, type: pagerduty, routingKey: ["${S.routing}"], url: "nope://${S.hookPath}" }
`);
  const no = await cli(['validate', '--config', bad]);
  t.equal(no.code, 2);
  t.match(no.out, 'notifications[0].url');
  t.strictSame(leaks(no.out), [], 'no canary in the problem lines either');
});

t.test('no canary in any log line or metric while deliveries fail, retry and succeed', async (t) => {
  const rx = await startReceiver((n) => (n === 0 ? 500 : n === 1 ? 400 : 200));
  t.teardown(() => rx.close());
  const h = await startApp(`
checks: [{ name: db, type: tcp, host: 127.0.0.1, port: 1, interval: 300ms, timeout: 200ms, failureThreshold: 1 }]
notifications:
  - { name: hooks, type: webhook, url: "${rx.url}/${S.hookPath}", secret: "${S.secret}" }
  - { name: oncall, type: pagerduty, url: "${rx.url}/${S.hookPath}/pd", routingKey: "${S.routing}" }
`);
  t.teardown(() => h.close());
  await rx.waitFor(3, 10_000);
  await new Promise((r) => setTimeout(r, 500));
  const metrics = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
  t.strictSame(leaks(h.rawLogs()), [], 'no canary in the logs');
  t.strictSame(leaks(metrics), [], 'no canary in /metrics');
  t.match(metrics, /health_notifications_total\{notifier="oncall",result="(sent|failed)"\} 1/);
  t.ok(h.logs().some((l) => (l.context as Record<string, unknown> | undefined)?.notifier !== undefined), 'deliveries are logged, by notifier name');
  t.ok(rx.received.some((r) => r.json().routing_key === S.routing), 'the routing key did go to its receiver');
});
