/** One line that says what happened, for Slack's `text` and header and PagerDuty's `summary`. */
import type { Notification, Sender } from './types';

export function headline(n: Notification, from: Sender): string {
  const where = `${from.service}, ${from.environment}`;
  if (n.check) {
    const c = n.check;
    const why = c.caused_by ? ` (caused by ${c.caused_by})` : c.error ? `: ${c.error}` : '';
    if (n.event === 'recovery') return `${c.display_name} recovered (${where})`;
    return `${c.display_name} is ${c.status === 'error' ? 'in error' : c.status}${why} (${where})`;
  }
  if (n.incident) return `Incident ${n.incident.status}: ${n.incident.title} (${where})`;
  if (n.maintenance) return `Maintenance ${n.maintenance.action}: ${n.maintenance.window.title} (${where})`;
  return `${n.event} (${where})`;
}

/** Cuts `text` to `max` characters, marking the cut (receivers refuse longer fields). */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
