/** The `notifications` section (CONTRACT §3.1, §5.7). */
import { z } from 'zod';
import { NOTIFIER_TYPES, NOTIFY_EVENTS, type NotifierConfig, type NotifierType, type NotifyEvent } from '../types';
import { duration, emptyAsNull, fail, oneOf, optional, required, text, uniqueList, url, type Parser } from './fields';
import { runSchema } from './issues';
import { formatPath } from './path';
import { closest, FOUND, type Problems } from './problems';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

const NOTIFIER_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

const notifierName: Parser<string> = (value) =>
  typeof value === 'string' && NOTIFIER_NAME.test(value)
    ? value
    : fail(`${FOUND} is not a notifier name (lowercase letters, digits, "-" and "_", starting with a letter or digit, at most 63 characters)`);

const notifierSchema = z.strictObject({
  name: required(notifierName, 'every notifier needs a name'),
  type: required(oneOf(NOTIFIER_TYPES, 'a notifier type'), `allowed: ${NOTIFIER_TYPES.join(', ')}`),
  // "" (from `${VAR:-}`) counts as absent, so a required URL reports "missing", not a parse error.
  url: optional(emptyAsNull(url('http')), null),
  routingKey: optional(emptyAsNull(text()), null),
  checks: optional(uniqueList(text()), null),
  on: optional(uniqueList(oneOf(NOTIFY_EVENTS, 'a notification event'), { nonEmpty: `of: ${NOTIFY_EVENTS.join(', ')}` }), ['error', 'recovery'] as NotifyEvent[]),
  after: optional(duration({ timer: true }), 0),
  repeat: optional(emptyAsNull(duration({ positive: true, timer: true })), null),
  secret: optional(text({ allowEmpty: true }), ''),
});

const isMapping = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** [] when absent; undefined when it has problems. `checks` is every valid check name. */
export function parseNotifications(raw: unknown, checks: ReadonlySet<string>, problems: Problems): NotifierConfig[] | undefined {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.add(['notifications'], `${FOUND} is not a list of notifiers`, raw);
    return undefined;
  }
  const before = problems.lines.length;
  const out: NotifierConfig[] = [];
  const firstUse = new Map<string, number>();
  raw.forEach((item: unknown, index) => {
    const at = ['notifications', index];
    if (!isMapping(item)) {
      problems.add(at, `${FOUND} is not a mapping (a notifier needs at least name and type)`, item);
      return;
    }
    // A webhook or Slack URL is itself the credential, and so is a routing key: never echo them.
    for (const key of ['url', 'routingKey', 'secret']) problems.provenance.hidden.add(formatPath([...at, key]));
    // Duplicates are judged on the raw name, so a notifier with other problems still claims its name.
    if (typeof item.name === 'string' && NOTIFIER_NAME.test(item.name)) {
      const earlier = firstUse.get(item.name);
      if (earlier !== undefined) problems.add([...at, 'name'], `${FOUND} is already the name of notifications[${earlier}]`, item.name);
      else firstUse.set(item.name, index);
    }
    const parsed = runSchema(notifierSchema, item, at, problems);
    if (!parsed) return;
    const notifier = resolveNotifier(parsed, at, checks, problems);
    if (notifier) out.push(notifier);
  });
  return problems.lines.length > before ? undefined : out;
}

type Parsed = z.output<typeof notifierSchema>;

/** The rules that depend on the notifier's type, and check names. */
function resolveNotifier(n: Parsed, at: readonly PropertyKey[], checks: ReadonlySet<string>, problems: Problems): NotifierConfig | undefined {
  const before = problems.lines.length;
  const type: NotifierType = n.type;
  if (n.url === null && type !== 'pagerduty') problems.add([...at, 'url'], `missing (required for ${type} notifiers)`);
  if (type === 'pagerduty' && n.routingKey === null) problems.add([...at, 'routingKey'], 'missing (required for pagerduty notifiers)');
  if (type !== 'pagerduty' && n.routingKey !== null) problems.add([...at, 'routingKey'], `not allowed for ${type} notifiers (pagerduty only)`);
  if (type !== 'webhook' && n.secret !== '') problems.add([...at, 'secret'], `not allowed for ${type} notifiers (webhook only: it signs the body)`);
  n.checks?.forEach((name, i) => {
    if (checks.has(name)) return;
    const suggestion = closest(name, [...checks]);
    const hint = suggestion === undefined ? `known: ${[...checks].join(', ') || 'none'}` : `did you mean "${suggestion}"?`;
    problems.add([...at, 'checks', i], `${FOUND} is not the name of a check (${hint})`, name);
  });
  if (problems.lines.length > before) return undefined;
  return {
    name: n.name,
    type,
    url: n.url ?? PAGERDUTY_EVENTS_URL,
    routingKey: n.routingKey ?? '',
    checks: n.checks,
    on: n.on,
    after: n.after,
    repeat: n.repeat,
    secret: n.secret,
  };
}
