/**
 * The generic webhook (CONTRACT §5.7): a JSON body in our own shape, signed
 * with HMAC-SHA256 when the notifier has a `secret`, so that a receiver can
 * tell our POSTs from anyone else's. The signature covers the exact bytes
 * sent; `timestamp` inside the signed body lets a receiver refuse replays.
 */
import { createHmac } from 'node:crypto';
import type { NotifierConfig } from '../types';
import type { Delivery, Notification, Notifier, Sender } from './types';

export const SIGNATURE_HEADER = 'x-health-signature';
export const TIMESTAMP_HEADER = 'x-health-timestamp';

/** `sha256=<hex>` of the body under `secret`: what X-Health-Signature carries. */
export function sign(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** The body, field for field: `check` for status events, `incident` or `maintenance` for the others. */
export function webhookBody(n: Notification, from: Sender): Record<string, unknown> {
  const body: Record<string, unknown> = {
    event: n.event,
    service: from.service,
    environment: from.environment,
    timestamp: n.timestamp,
    status_page_url: from.statusPageUrl,
  };
  if (n.check) body.check = n.check;
  if (n.incident) body.incident = n.incident;
  if (n.maintenance) body.maintenance = { action: n.maintenance.action, ...n.maintenance.window };
  return body;
}

export function createWebhookNotifier(config: NotifierConfig, from: Sender, now: () => number = Date.now): Notifier {
  return (n): Delivery => {
    const body = JSON.stringify(webhookBody(n, from));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'health-aggregator' };
    if (config.secret !== '') {
      headers[SIGNATURE_HEADER] = sign(config.secret, body);
      headers[TIMESTAMP_HEADER] = String(Math.floor(now() / 1000));
    }
    return { url: config.url, headers, body };
  };
}
