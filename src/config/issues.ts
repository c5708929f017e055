/** Runs a zod schema and turns its issues into problem lines. */
import type { z } from 'zod';
import { FOUND, unknownKeyMessage, type Problems } from './problems';

const EXPECTED: Readonly<Record<string, string>> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
};

// Unknown keys are reported one line per key with a suggestion, which needs
// the allowed keys: carry them in the message from the schema that raised it.
const errorMap: z.core.$ZodErrorMap = (issue) => {
  if (issue.code === 'unrecognized_keys') {
    const shape = (issue.inst as { shape?: Record<string, unknown> } | undefined)?.shape ?? {};
    return JSON.stringify(Object.keys(shape));
  }
  if (issue.code === 'invalid_type') return `${FOUND} is not ${EXPECTED[issue.expected] ?? `a ${issue.expected}`}`;
  return undefined;
};

/** Parses `value` with `schema`; on failure adds every issue under `prefix` and returns undefined. */
export function runSchema<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix: readonly PropertyKey[],
  problems: Problems,
): z.output<S> | undefined {
  const result = schema.safeParse(value, { error: errorMap, reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const allowed = JSON.parse(issue.message) as string[];
      for (const key of issue.keys) problems.add([...path, key], unknownKeyMessage(key, allowed));
    } else {
      problems.add(path, issue.message, issue.input);
    }
  }
  return undefined;
}
