/**
 * The `notifications` section: defaults as CONTRACT §3.1 states them, and a
 * notifier shown by name and type only wherever config is printed (§3.3):
 * canary URLs, routing keys and secrets must not survive redactConfig, and
 * secretsOf must hand all of them to the log scrubber.
 */
import t from 'tap';
import { parseConfig } from '../../src/config';
import { PAGERDUTY_EVENTS_URL } from '../../src/config/notifications-schema';
import { createScrubber, redactConfig, secretsOf } from '../../src/observability/redact';

const MARK = 'c4n4ry9e';
const S = {
  slack: `https://hooks.slack.com/services/T0/B0/${MARK}slack`,
  hook: `https://hooks.internal/${MARK}hook?sig=1`,
  routing: `${MARK}routingkey`,
  secret: `${MARK}-whsecret`,
};

const yaml = `
checks:
  - { name: database, type: postgres, url: postgres://app@db.internal/app }
notifications:
  - { name: oncall, type: pagerduty, routingKey: ${S.routing} }
  - { name: team-chat, type: slack, url: "${S.slack}", checks: [database], after: 2m, repeat: 1h }
  - { name: hooks, type: webhook, url: "${S.hook}", secret: ${S.secret}, on: [incident, maintenance] }
`;

t.test('defaults: every check, error and recovery, no delay, no reminders; pagerduty has its public URL', async (t) => {
  const [pd, slack, hook] = parseConfig(yaml, {}, 'test.yml').notifications;
  t.strictSame(pd, { name: 'oncall', type: 'pagerduty', url: PAGERDUTY_EVENTS_URL, routingKey: S.routing, checks: null, on: ['error', 'recovery'], after: 0, repeat: null, secret: '' });
  t.strictSame(slack, { name: 'team-chat', type: 'slack', url: S.slack, routingKey: '', checks: ['database'], on: ['error', 'recovery'], after: 120_000, repeat: 3_600_000, secret: '' });
  t.strictSame(hook?.on, ['incident', 'maintenance']);
  t.equal(hook?.secret, S.secret);
  t.equal(parseConfig('checks: []', {}, 'x').notifications.length, 0, 'absent: no notifiers');
});

t.test('redactConfig shows a notifier by name and type: URL, routing key and secret hidden', async (t) => {
  const config = parseConfig(yaml, {}, 'test.yml');
  const text = JSON.stringify(redactConfig(config));
  t.notMatch(text, MARK, 'no canary in the printed config');
  t.notMatch(text, 'hooks.slack.com', 'a notifier URL is hidden whole, host included');
  const shown = (redactConfig(config) as { notifications: Array<Record<string, unknown>> }).notifications;
  t.strictSame(shown.map((n) => [n.name, n.type, n.url]), [['oncall', 'pagerduty', '***'], ['team-chat', 'slack', '***'], ['hooks', 'webhook', '***']]);
  t.equal(shown[0]!.routingKey, '***');
  t.equal(shown[2]!.secret, '***');
  t.equal(shown[1]!.secret, '', 'an unset secret stays visibly empty');
});

t.test('secretsOf gives the scrubber every notifier URL (and its path), routing key and secret', async (t) => {
  const scrub = createScrubber(secretsOf(parseConfig(yaml, {}, 'test.yml')));
  for (const s of [S.slack, S.hook, S.routing, S.secret, new URL(S.slack).pathname]) {
    t.notMatch(scrub(`failed to reach ${s} (retrying)`), MARK, `scrubbed: ${s.slice(0, 30)}`);
  }
});
