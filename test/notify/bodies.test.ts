/**
 * What each notifier sends, pinned field by field: the webhook body exactly
 * as CONTRACT §5.7 lists it (and its signature over the exact bytes); the
 * Slack body against Slack's incoming-webhook and Block Kit reference (`text`
 * as the fallback, `blocks` of known types, header plain_text <= 150 chars,
 * section fields <= 10 of <= 2,000 chars, &, <, > escaped in mrkdwn); the
 * PagerDuty body against the Events API v2 reference (routing_key,
 * event_action trigger|resolve, dedup_key <= 255, payload.summary <= 1,024,
 * source, severity in critical|error|warning|info, ISO timestamp).
 */
import { createHmac } from 'node:crypto';
import t from 'tap';
import { createPagerdutyNotifier, pagerdutyBody } from '../../src/notify/pagerduty';
import { createSlackNotifier, slackBody } from '../../src/notify/slack';
import type { CheckNotice, Notification, Sender } from '../../src/notify/types';
import { createWebhookNotifier, webhookBody } from '../../src/notify/webhook';
import type { StatusIncident } from '../../src/status/operator/types';
import type { NotifierConfig } from '../../src/types';

const from: Sender = { service: 'asset-anchor-api', environment: 'production', statusPageUrl: 'https://status.example.com' };
const base: NotifierConfig = { name: 'n', type: 'webhook', url: 'http://127.0.0.1:1/hook', routingKey: '', checks: null, on: ['error', 'recovery'], after: 0, repeat: null, secret: '' };

const check = (over: Partial<CheckNotice> = {}): CheckNotice => ({
  name: 'database',
  display_name: 'Database',
  type: 'postgres',
  critical: true,
  status: 'error',
  previous_status: 'ok',
  since: '2026-12-01T09:00:00.000Z',
  error_kind: 'refused',
  error: 'connection refused',
  caused_by: null,
  ...over,
});
const errorEvent: Notification = { event: 'error', timestamp: '2026-12-01T09:00:01.000Z', check: check(), group: 'Core' };
const recoveryEvent: Notification = { event: 'recovery', timestamp: '2026-12-01T09:05:00.000Z', check: check({ status: 'ok', previous_status: 'error', error: null, error_kind: null }), group: 'Core' };
const incident: StatusIncident = {
  id: 'inc_1',
  title: 'Payments are slow <for some>',
  status: 'identified',
  impact: 'major',
  source: 'operator',
  components: ['database'],
  created_at: '2026-12-01T09:00:00.000Z',
  updated_at: '2026-12-01T09:10:00.000Z',
  started_at: '2026-12-01T09:00:00.000Z',
  resolved_at: null,
  updates: [{ id: 'u1', status: 'identified', message: 'A & B <@here>', created_at: '2026-12-01T09:10:00.000Z' }],
};
const incidentEvent: Notification = { event: 'incident', timestamp: '2026-12-01T09:10:00.000Z', incident };
const maintenanceEvent: Notification = {
  event: 'maintenance',
  timestamp: '2026-12-01T03:00:00.000Z',
  maintenance: {
    action: 'started',
    window: { id: 'nightly-vacuum', title: 'nightly-vacuum', components: ['database'], starts_at: '2026-12-01T03:00:00.000Z', ends_at: '2026-12-01T03:30:00.000Z', status: 'active', source: 'config', message: null },
  },
};
const all = [errorEvent, recoveryEvent, incidentEvent, maintenanceEvent];

t.test('webhook: the body is exactly the contract shape', async (t) => {
  t.strictSame(JSON.parse(createWebhookNotifier(base, from)(errorEvent).body), {
    event: 'error',
    service: 'asset-anchor-api',
    environment: 'production',
    timestamp: '2026-12-01T09:00:01.000Z',
    status_page_url: 'https://status.example.com',
    check: {
      name: 'database', display_name: 'Database', type: 'postgres', critical: true, status: 'error', previous_status: 'ok',
      since: '2026-12-01T09:00:00.000Z', error_kind: 'refused', error: 'connection refused', caused_by: null,
    },
  });
  const inc = webhookBody(incidentEvent, from);
  t.strictSame(inc.incident, incident, 'incident events carry the incident instead of check');
  t.notOk('check' in inc);
  t.match(webhookBody(maintenanceEvent, from).maintenance, { action: 'started', id: 'nightly-vacuum', components: ['database'] });
});

t.test('webhook: unsigned without a secret; with one, sha256 HMAC of the exact body and a timestamp', async (t) => {
  const plain = createWebhookNotifier(base, from)(errorEvent);
  t.notOk(plain.headers['x-health-signature']);
  t.equal(plain.headers['content-type'], 'application/json');
  const signed = createWebhookNotifier({ ...base, secret: 'whsec-1' }, from, () => 1_764_579_601_000)(errorEvent);
  t.equal(signed.headers['x-health-signature'], `sha256=${createHmac('sha256', 'whsec-1').update(signed.body).digest('hex')}`);
  t.equal(signed.headers['x-health-timestamp'], '1764579601');
  t.equal(signed.body, plain.body, 'signing does not change the body');
});

const SLACK_BLOCK_TYPES = new Set(['header', 'section', 'context', 'divider']);

for (const n of all) {
  t.test(`slack (${n.event}): an incoming-webhook body Slack accepts`, async (t) => {
    const d = createSlackNotifier({ ...base, type: 'slack' }, from)(n);
    const body = JSON.parse(d.body) as { text: string; blocks: Array<Record<string, any>> };
    t.strictSame(Object.keys(body).sort(), ['blocks', 'text'], 'text (the notification fallback) and blocks, nothing else');
    t.ok(body.text.length > 0 && body.text.length <= 40_000);
    t.ok(body.blocks.length >= 1 && body.blocks.length <= 50, 'at most 50 blocks per message');
    for (const b of body.blocks) {
      t.ok(SLACK_BLOCK_TYPES.has(b.type), `known block type ${b.type}`);
      if (b.type === 'header') {
        t.equal(b.text.type, 'plain_text', 'a header takes plain_text only');
        t.ok(b.text.text.length <= 150);
      }
      if (b.type === 'section') {
        t.ok(b.text || b.fields, 'a section has text or fields');
        if (b.text) t.ok(b.text.text.length <= 3000);
        if (b.fields) {
          t.ok(b.fields.length >= 1 && b.fields.length <= 10);
          for (const f of b.fields) t.ok(['mrkdwn', 'plain_text'].includes(f.type) && f.text.length <= 2000);
        }
      }
      if (b.type === 'context') t.ok(b.elements.length >= 1 && b.elements.length <= 10);
    }
  });
}

t.test('slack: what it says, with mrkdwn control characters escaped', async (t) => {
  const err = slackBody(errorEvent, from);
  t.match(err.text, /Database is in error: connection refused \(asset-anchor-api, production\)/);
  t.match(slackBody(recoveryEvent, from).text, /Database recovered/);
  const inc = JSON.stringify(slackBody(incidentEvent, from).blocks);
  t.match(inc, 'A &amp; B &lt;@here&gt;', 'an operator message cannot mention @here or forge a link');
  t.notMatch(inc, '<@here>');
  t.match(JSON.stringify(err.blocks), '<https://status.example.com|status page>', 'the status page is linked');
  const long = slackBody({ ...errorEvent, check: check({ display_name: 'x'.repeat(400), error: 'e'.repeat(5000) }) }, from);
  const header = long.blocks[0] as { text: { text: string } };
  t.ok(header.text.text.length <= 150, 'long names are clipped to the header limit');
});

const SEVERITIES = ['critical', 'error', 'warning', 'info'];

for (const n of all) {
  t.test(`pagerduty (${n.event}): an Events API v2 body`, async (t) => {
    const d = createPagerdutyNotifier({ ...base, type: 'pagerduty', url: 'https://events.pagerduty.com/v2/enqueue', routingKey: 'R0UT1NG' }, from)(n);
    t.equal(d.url, 'https://events.pagerduty.com/v2/enqueue');
    const body = JSON.parse(d.body);
    t.strictSame(Object.keys(body).sort(), ['dedup_key', 'event_action', 'payload', 'routing_key']);
    t.equal(body.routing_key, 'R0UT1NG');
    t.ok(['trigger', 'resolve'].includes(body.event_action));
    t.ok(typeof body.dedup_key === 'string' && body.dedup_key.length <= 255);
    t.strictSame(Object.keys(body.payload).sort(), ['class', 'component', 'custom_details', 'group', 'severity', 'source', 'summary', 'timestamp']);
    t.ok(body.payload.summary.length > 0 && body.payload.summary.length <= 1024);
    t.ok(SEVERITIES.includes(body.payload.severity));
    t.equal(body.payload.source, 'asset-anchor-api');
    t.equal(new Date(body.payload.timestamp).toISOString(), body.payload.timestamp, 'an ISO 8601 timestamp');
    t.type(body.payload.custom_details, 'object');
  });
}

t.test('pagerduty: one alert per check, critical only for a critical check in error, resolved on recovery', async (t) => {
  const trig = pagerdutyBody(errorEvent, from, 'k') as any;
  t.match(trig, { event_action: 'trigger', dedup_key: 'asset-anchor-api/database', payload: { severity: 'critical', component: 'database', group: 'Core', class: 'postgres' } });
  t.equal((pagerdutyBody({ ...errorEvent, check: check({ critical: false }) }, from, 'k') as any).payload.severity, 'warning');
  t.equal((pagerdutyBody({ ...errorEvent, event: 'degraded', check: check({ status: 'degraded' }) }, from, 'k') as any).payload.severity, 'warning');
  t.match(pagerdutyBody(recoveryEvent, from, 'k'), { event_action: 'resolve', dedup_key: 'asset-anchor-api/database' });
  t.match(pagerdutyBody(incidentEvent, from, 'k'), { event_action: 'trigger', dedup_key: 'asset-anchor-api/incident/inc_1', payload: { severity: 'error' } });
  t.match(pagerdutyBody({ ...incidentEvent, incident: { ...incident, status: 'resolved' } }, from, 'k'), { event_action: 'resolve' });
  const ended = { ...maintenanceEvent, maintenance: { ...maintenanceEvent.maintenance!, action: 'ended' as const } };
  t.match(pagerdutyBody(ended, from, 'k'), { event_action: 'resolve', dedup_key: 'asset-anchor-api/maintenance/nightly-vacuum', payload: { severity: 'info' } });
  const long = pagerdutyBody({ ...errorEvent, check: check({ error: 'e'.repeat(3000) }) }, from, 'k') as any;
  t.ok(long.payload.summary.length <= 1024, 'the summary is clipped to 1,024 characters');
});
