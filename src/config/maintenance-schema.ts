/** The `maintenance` section: recurring windows (CONTRACT §3.1, §5.8). */
import { Cron } from 'croner';
import { z } from 'zod';
import type { MaintenanceWindowConfig } from '../types';
import { duration, fail, optional, required, text, uniqueList, type Parser } from './fields';
import { timezone } from './cron';
import { runSchema } from './issues';
import { closest, FOUND, type Problems } from './problems';

/** A window longer than this would overlap its own next run for a daily schedule and is almost surely a typo. */
const MAX_WINDOW_MS = 31 * 86_400_000;

/** Five fields exactly: croner also takes a seconds field, which the contract does not allow. */
const schedule: Parser<string> = (value) => {
  if (typeof value !== 'string') return fail(`${FOUND} is not a cron schedule (5 fields, like "0 3 * * *")`);
  const fields = value.trim().split(/\s+/);
  if (fields.length !== 5) return fail(`${FOUND} is not a cron schedule (5 fields: minute hour day month weekday, like "0 3 * * *")`);
  try {
    new Cron(value, { paused: true });
    return value.trim();
  } catch (err) {
    const why = err instanceof Error ? err.message.replace(/^CronPattern: /, '') : 'invalid';
    return fail(`${FOUND} is not a valid cron schedule (${why})`);
  }
};

const windowDuration: Parser<number> = (value) => {
  const ms = duration({ positive: true })(value);
  if (typeof ms === 'number' && ms > MAX_WINDOW_MS) return fail(`${FOUND} is too long (at most 31d)`);
  return ms;
};

const windowSchema = z.strictObject({
  name: required(text(), 'every maintenance window needs a name'),
  checks: required(uniqueList(text(), { nonEmpty: 'name at least one check' }), 'the checks the window covers'),
  schedule: required(schedule, 'a 5-field cron schedule, like "0 3 * * *"'),
  duration: required(windowDuration, 'how long each window lasts, like 30m'),
  timezone: optional(timezone, 'UTC'),
});

/** [] when absent; undefined when it has problems. `checks` is every valid check name. */
export function parseMaintenance(raw: unknown, checks: ReadonlySet<string>, problems: Problems): MaintenanceWindowConfig[] | undefined {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.add(['maintenance'], `${FOUND} is not a list of maintenance windows`, raw);
    return undefined;
  }
  const before = problems.lines.length;
  const out: MaintenanceWindowConfig[] = [];
  const seen = new Map<string, number>();
  raw.forEach((item: unknown, index) => {
    const at = ['maintenance', index];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      problems.add(at, `${FOUND} is not a mapping (a window needs name, checks, schedule and duration)`, item);
      return;
    }
    const window = runSchema(windowSchema, item, at, problems);
    if (!window) return;
    const first = seen.get(window.name);
    if (first !== undefined) problems.add([...at, 'name'], `${FOUND} is already the name of maintenance[${first}]`, window.name);
    else seen.set(window.name, index);
    window.checks.forEach((name, i) => {
      if (checks.has(name)) return;
      const near = closest(name, [...checks]);
      problems.add([...at, 'checks', i], `${FOUND} is not the name of a check${near ? ` (did you mean "${near}"?)` : ''}`, name);
    });
    out.push(window);
  });
  return problems.lines.length > before ? undefined : out;
}
