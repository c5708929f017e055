/**
 * PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/):
 * one alert per check, keyed `dedup_key: "<service>/<check>"`, so an error
 * triggers it, a reminder or a degraded state updates it, and a recovery
 * resolves it. Incidents and maintenance windows get alerts of their own
 * (`<service>/incident/<id>`, `<service>/maintenance/<id>`), resolved when
 * the incident is resolved or the window ends. summary is at most 1,024
 * characters; severity is one of critical, error, warning, info.
 */
import type { NotifierConfig } from '../types';
import { clip, headline } from './summary';
import type { Delivery, Notification, Notifier, Sender } from './types';

type Severity = 'critical' | 'error' | 'warning' | 'info';

function alert(n: Notification, from: Sender): { key: string; action: 'trigger' | 'resolve'; severity: Severity; component: string; klass: string } {
  if (n.check) {
    const c = n.check;
    return {
      key: `${from.service}/${c.name}`,
      action: n.event === 'recovery' ? 'resolve' : 'trigger',
      severity: n.event === 'error' && c.critical ? 'critical' : 'warning',
      component: c.name,
      klass: c.type,
    };
  }
  if (n.incident) {
    const i = n.incident;
    const severity: Severity = i.impact === 'critical' ? 'critical' : i.impact === 'major' ? 'error' : i.impact === 'minor' ? 'warning' : 'info';
    return { key: `${from.service}/incident/${i.id}`, action: i.status === 'resolved' ? 'resolve' : 'trigger', severity, component: i.components.join(','), klass: 'incident' };
  }
  const w = n.maintenance!.window;
  return {
    key: `${from.service}/maintenance/${w.id}`,
    action: n.maintenance!.action === 'ended' ? 'resolve' : 'trigger',
    severity: 'info',
    component: w.components.join(','),
    klass: 'maintenance',
  };
}

export function pagerdutyBody(n: Notification, from: Sender, routingKey: string): Record<string, unknown> {
  const a = alert(n, from);
  const details: Record<string, unknown> = { event: n.event, environment: from.environment, status_page_url: from.statusPageUrl };
  if (n.check) details.check = n.check;
  if (n.incident) details.incident = { id: n.incident.id, title: n.incident.title, status: n.incident.status, impact: n.incident.impact };
  if (n.maintenance) details.maintenance = { action: n.maintenance.action, ...n.maintenance.window };
  return {
    routing_key: routingKey,
    event_action: a.action,
    dedup_key: a.key.slice(0, 255),
    payload: {
      summary: clip(headline(n, from), 1024),
      source: from.service,
      severity: a.severity,
      timestamp: n.timestamp,
      component: a.component,
      group: n.group ?? from.environment,
      class: a.klass,
      custom_details: details,
    },
  };
}

export function createPagerdutyNotifier(config: NotifierConfig, from: Sender): Notifier {
  return (n): Delivery => ({
    url: config.url,
    headers: { 'content-type': 'application/json', 'user-agent': 'health-aggregator' },
    body: JSON.stringify(pagerdutyBody(n, from, config.routingKey)),
  });
}
