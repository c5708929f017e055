/**
 * Pure helpers behind the HTTP check's assertion sentences. They never echo
 * the response: a health endpoint's body may hold anything.
 */

/** `[200]` -> "200"; `[200..299]` -> "200-299"; `[200, 204]` -> "200 or 204". */
export function formatStatuses(codes: readonly number[]): string {
  const sorted = [...new Set(codes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j - i >= 2 ? `${sorted[i]}-${sorted[j]}` : sorted.slice(i, j + 1).join(' or '));
    i = j + 1;
  }
  return parts.join(' or ');
}

/**
 * Checks that the JSON `text` holds `expected` at the dotted `path`
 * (`checks.db.status`, numeric segments index arrays). Returns null when it
 * does, else a short sentence naming only the path.
 */
export function checkJsonField(
  text: string,
  path: string,
  expected: unknown,
  equal: (a: unknown, b: unknown) => boolean,
): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'response body is not valid JSON';
  }
  for (const segment of path.split('.').filter((s) => s !== '')) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, segment)) {
      return `JSON field "${path}" is missing`;
    }
    value = (value as Record<string, unknown>)[segment];
  }
  return equal(value, expected) ? null : `JSON field "${path}" does not have the expected value`;
}
