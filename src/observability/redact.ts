/**
 * The one place that knows what a secret looks like. Responses, logs,
 * `validate` and `check` output all pass through these functions.
 */
import type { Config, NotifierConfig } from '../types';

export const REDACTED = '***';

/** Header or key names whose values are secrets. */
const SECRET_NAME = /authorization|cookie|token|secret|password|passwd|pwd|credential|api[-_]?key|(^|[-_])key$|accesskey|sessiontoken/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * user:password@ in any scheme's URL, also one that does not parse (the masker and the scrubber
 * share it). The password may itself hold '@' (people do not always percent-encode), so it runs to
 * the last '@' before the path: a raw @ inside it must not leak its tail.
 */
export const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:/@]*):([^\s/]*)@/gi;

/** Replaces the password (and secret-named query values) of a URL; leaves other text alone. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    let changed = false;
    if (url.password) {
      url.password = REDACTED;
      changed = true;
    }
    for (const key of [...url.searchParams.keys()]) {
      if (isSecretName(key)) {
        url.searchParams.set(key, REDACTED);
        changed = true;
      }
    }
    return changed ? url.toString() : raw;
  } catch {
    return raw.replace(URL_CREDENTIALS, `$1$2:${REDACTED}@`);
  }
}

/** Every secret value a config holds, to scrub from free text (driver messages, logs). */
export function secretsOf(config: Config): string[] {
  const found = new Set<string>();
  const fromUrl = (raw: string | null | undefined) => {
    if (!raw) return;
    try {
      const url = new URL(raw);
      if (url.password) {
        found.add(url.password);
        found.add(decodeURIComponent(url.password));
      }
      for (const [k, v] of url.searchParams) if (isSecretName(k) && v) found.add(v);
    } catch {
      for (const m of raw.matchAll(URL_CREDENTIALS)) if (m[3]) found.add(m[3]);
    }
  };
  for (const token of [config.server.detailsToken, config.server.adminToken]) if (token) found.add(token);
  if (config.storage.type === 'postgres') fromUrl(config.storage.url);
  if (config.cluster) fromUrl(config.cluster.url);
  for (const c of config.checks) {
    switch (c.type) {
      case 'postgres':
      case 'redis':
        fromUrl(c.url);
        break;
      case 'bullmq':
        fromUrl(c.redisUrl);
        break;
      case 'http':
        fromUrl(c.url);
        for (const [k, v] of Object.entries(c.headers)) {
          if (!isSecretName(k) || !v) continue;
          found.add(v);
          // "Bearer abc" -> also scrub "abc" alone.
          const parts = v.split(/\s+/);
          if (parts.length > 1 && parts[parts.length - 1]) found.add(parts[parts.length - 1]!);
        }
        break;
      case 's3':
        for (const v of [c.secretAccessKey, c.sessionToken, c.accessKeyId]) if (v) found.add(v);
        break;
      case 'tcp':
        break;
      case 'heartbeat':
        found.add(c.token);
        break;
    }
  }
  for (const n of config.notifications ?? []) {
    // A webhook or Slack URL is itself the credential: scrub it whole, and its path alone (a log may print only that).
    for (const v of [n.url, urlPath(n.url), n.secret, n.routingKey]) if (v) found.add(v);
  }
  // Very short values would scrub ordinary words; they are still never printed by us.
  return [...found].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}

function urlPath(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.pathname}${url.search}`;
  } catch {
    return '';
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Returns a function that removes the given secrets and any URL credentials from text. */
export function createScrubber(secrets: readonly string[]): (text: string) => string {
  const pattern = secrets.length > 0 ? new RegExp(secrets.map(escapeRegExp).join('|'), 'g') : null;
  return (text: string) => {
    // The pattern needs a scheme's ://: most strings (every log message) skip the regex.
    let out = text.includes('://') ? text.replace(URL_CREDENTIALS, `$1$2:${REDACTED}@`) : text;
    if (pattern) out = out.replace(pattern, REDACTED);
    return out;
  };
}

/** A deep copy of the config that is safe to print: URL passwords, tokens, keys and secret headers replaced. */
export function redactConfig(config: Config): unknown {
  const walk = (value: unknown, key: string): unknown => {
    if (typeof value === 'string') {
      if (value !== '' && isSecretName(key)) return REDACTED;
      return redactUrl(value);
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, key));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = walk(v, k);
      return out;
    }
    return value;
  };
  const out = walk(config, '') as Record<string, unknown>;
  if (Array.isArray(config.notifications)) out.notifications = config.notifications.map(redactNotifier);
  return out;
}

/** A notifier as logs and `validate` show it: its name and type; its URL, routing key and secret never (CONTRACT §3.3). */
export function redactNotifier(n: NotifierConfig): Record<string, unknown> {
  const hidden = (v: string) => (v === '' ? '' : REDACTED);
  return {
    name: n.name,
    type: n.type,
    url: REDACTED,
    routingKey: hidden(n.routingKey),
    checks: n.checks,
    on: n.on,
    after: n.after,
    repeat: n.repeat,
    secret: hidden(n.secret),
  };
}
