/**
 * A Slack incoming webhook (https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks):
 * `text` is the notification fallback and `blocks` the message (Block Kit):
 * a header (plain_text, at most 150 characters), a section of mrkdwn fields
 * (at most 10, 2,000 characters each) and a context line. The webhook URL is
 * the credential; nothing else authenticates.
 */
import type { NotifierConfig } from '../types';
import { clip, headline } from './summary';
import type { Delivery, Notification, Notifier, Sender } from './types';

const ICON: Readonly<Record<string, string>> = {
  error: ':red_circle:',
  degraded: ':large_yellow_circle:',
  recovery: ':large_green_circle:',
  incident: ':rotating_light:',
  maintenance: ':wrench:',
};

/** mrkdwn treats &, < and > as control characters (links, mentions): Slack asks for them escaped. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const field = (label: string, value: string) => ({ type: 'mrkdwn', text: clip(`*${label}*\n${escapeMrkdwn(value)}`, 2000) });

function fields(n: Notification): Array<{ type: string; text: string }> {
  if (n.check) {
    const c = n.check;
    return [
      field('Status', `${c.status} (was ${c.previous_status})`),
      field('Since', c.since),
      field('Check', `${c.name} (${c.type}${c.critical ? ', critical' : ''})`),
      ...(c.error ? [field('Error', `${c.error}${c.error_kind ? ` (${c.error_kind})` : ''}`)] : []),
      ...(c.caused_by ? [field('Caused by', c.caused_by)] : []),
    ];
  }
  if (n.incident) {
    const i = n.incident;
    return [field('Status', i.status), field('Impact', i.impact), ...(i.components.length > 0 ? [field('Components', i.components.join(', '))] : [])];
  }
  if (n.maintenance) {
    const w = n.maintenance.window;
    return [field('From', w.starts_at), field('Until', w.ends_at), field('Components', w.components.join(', ') || 'none')];
  }
  return [];
}

export function slackBody(n: Notification, from: Sender): { text: string; blocks: unknown[] } {
  const text = `${ICON[n.event] ?? ''} ${headline(n, from)}`.trim();
  const blocks: unknown[] = [{ type: 'header', text: { type: 'plain_text', text: clip(text, 150), emoji: true } }];
  const latest = n.incident?.updates.at(-1)?.message ?? n.maintenance?.window.message;
  if (latest) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(escapeMrkdwn(latest), 3000) } });
  blocks.push({ type: 'section', fields: fields(n).slice(0, 10) });
  const link = from.statusPageUrl ? ` · <${from.statusPageUrl}|status page>` : '';
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${escapeMrkdwn(`${from.service} · ${from.environment}`)}${link}` }] });
  return { text, blocks };
}

export function createSlackNotifier(config: NotifierConfig, from: Sender): Notifier {
  return (n): Delivery => ({
    url: config.url,
    headers: { 'content-type': 'application/json', 'user-agent': 'health-aggregator' },
    body: JSON.stringify(slackBody(n, from)),
  });
}
