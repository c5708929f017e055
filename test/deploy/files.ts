/**
 * Reading the deployment files the way docker and helm would, as far as that
 * is possible without them: the Dockerfile as instructions, the chart's YAML
 * and JSON Schema, and the `.Values.*` references in its templates.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const ROOT = path.resolve(__dirname, '../..');
export const CHART = path.join(ROOT, 'helm/health-aggregator');

export const readText = (rel: string): string => readFileSync(path.join(ROOT, rel), 'utf8');
export const readYaml = (rel: string): unknown => parse(readText(rel));

/** What the chart's configs and the example need from the environment (values a Secret would hold). */
export const SECRET_ENV: Readonly<Record<string, string>> = {
  DATABASE_URL: 'postgres://app:s3cr3t-pw@db.internal:5432/app',
  REDIS_URL: 'redis://:r3d1s-pw@cache.internal:6379',
  HEALTH_DETAILS_TOKEN: 'details-t0ken',
};

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** values.yaml, or another values file of the chart (relative to the chart). */
export const chartValues = (rel = 'values.yaml'): JsonObject => {
  const v = readYaml(`helm/health-aggregator/${rel}`);
  if (!isObject(v)) throw new Error(`${rel} is not a mapping`);
  return v;
};

export const chartSchema = (): JsonObject => JSON.parse(readText('helm/health-aggregator/values.schema.json')) as JsonObject;

/** Every file under templates/, relative to it ("deployment.yaml", "tests/test-connection.yaml"). */
export const templateFiles = (): string[] =>
  (readdirSync(path.join(CHART, 'templates'), { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.relative(path.join(CHART, 'templates'), path.join(d.parentPath, d.name)))
    .sort();

// ---------------------------------------------------------------- Dockerfile

export interface Instruction {
  /** Upper-cased keyword: FROM, RUN, ... */
  readonly op: string;
  /** Everything after the keyword, continuation lines joined. */
  readonly args: string;
  /** 1-based line where it starts. */
  readonly line: number;
}

/** Splits a Dockerfile into instructions: comments dropped, `\` continuations joined. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buffer = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd();
    if (buffer === '' && (line.trim() === '' || line.trimStart().startsWith('#'))) return;
    if (buffer !== '' && line.trimStart().startsWith('#')) return; // comments inside a continuation are skipped too
    if (buffer === '') start = index + 1;
    if (line.endsWith('\\')) {
      buffer += `${line.slice(0, -1)} `;
      return;
    }
    buffer += line;
    const match = /^\s*(\S+)\s*([\s\S]*)$/.exec(buffer);
    if (match) out.push({ op: match[1]!.toUpperCase(), args: match[2]!.trim(), line: start });
    buffer = '';
  });
  return out;
}

/** The JSON array of an exec-form instruction, or null for shell form. */
export function execForm(args: string): string[] | null {
  if (!args.startsWith('[')) return null;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? (parsed as string[]) : null;
  } catch {
    return null;
  }
}

/** HEALTHCHECK's options (`--interval=30s` -> interval: "30s") and its CMD, exec form or null. */
export function parseHealthcheck(args: string): { options: Record<string, string>; cmd: string[] | null } {
  const options: Record<string, string> = {};
  let rest = args;
  for (let m = /^--([a-z-]+)=(\S+)\s+/.exec(rest); m; m = /^--([a-z-]+)=(\S+)\s+/.exec(rest)) {
    options[m[1]!] = m[2]!;
    rest = rest.slice(m[0].length);
  }
  const cmd = /^CMD\s+([\s\S]*)$/i.exec(rest);
  return { options, cmd: cmd ? execForm(cmd[1]!.trim()) : null };
}

// ---------------------------------------------------------------- templates

/** Template text with `{{/* ... *\/}}` comments removed. */
const withoutComments = (text: string): string => text.replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, '');

/** Every `.Values.a.b.c` (or `$.Values...`) path used in a template, as ["a","b","c"]. */
export function valuesReferences(text: string): string[][] {
  const refs: string[][] = [];
  for (const m of withoutComments(text).matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
    refs.push(m[1]!.slice(1).split('.'));
  }
  return refs;
}

const OPENERS = new Set(['if', 'range', 'with', 'define', 'block']);

/**
 * Structural problems a Go template parser would refuse: unbalanced `{{ }}`,
 * an `end` without a block, a block without `end`, `else` outside a block.
 * Not a full parser; it catches the edits that break a chart most often.
 */
export function templateStructureProblems(text: string): string[] {
  const problems: string[] = [];
  const source = withoutComments(text);
  const stack: string[] = [];
  for (const m of source.matchAll(/\{\{-?\s*([\s\S]*?)\s*-?\}\}/g)) {
    const body = m[1]!;
    if (body.includes('{{')) problems.push(`nested "{{" in action: ${body.slice(0, 40)}`);
    const word = /^([a-z]+)\b/.exec(body)?.[1] ?? '';
    if (OPENERS.has(word)) stack.push(word);
    else if (word === 'end') {
      if (stack.pop() === undefined) problems.push('"end" without an open block');
    } else if (word === 'else' && stack.length === 0) problems.push('"else" outside a block');
  }
  if (stack.length > 0) problems.push(`unclosed block(s): ${stack.join(', ')}`);
  const outside = source.replace(/\{\{[\s\S]*?\}\}/g, '');
  if (outside.includes('{{') || outside.includes('}}')) problems.push('a "{{" or "}}" outside any action');
  return problems;
}

/**
 * Whether `ref` names a key values.yaml declares. Below a mapping whose schema
 * allows any key (annotations, env, config), the rest is the user's to choose.
 */
export function valuesPathExists(values: JsonObject, schema: JsonObject, ref: readonly string[]): boolean {
  let node: Json = values;
  let schemaNode: Json | undefined = schema;
  for (const key of ref) {
    const schemaObject: JsonObject | undefined = isObject(schemaNode) ? resolveRef(schema, schemaNode) : undefined;
    if (!isObject(node)) return false;
    if (!(key in node)) {
      // Absent from values.yaml: fine only where the schema declares the key or lets the user add any.
      if (schemaObject === undefined) return false;
      return (isObject(schemaObject.properties) && key in schemaObject.properties) || schemaObject.additionalProperties !== false;
    }
    node = node[key]!;
    const properties: Json | undefined = schemaObject?.properties;
    schemaNode = isObject(properties) ? properties[key] : undefined;
  }
  return true;
}

function resolveRef(root: JsonObject, node: JsonObject): JsonObject {
  const ref = node.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return node;
  let target: Json | undefined = root;
  for (const part of ref.slice(2).split('/')) target = isObject(target) ? target[part] : undefined;
  return isObject(target) ? target : node;
}

/** Every string leaf of a YAML/JSON tree, with its dotted path. */
export function stringLeaves(tree: Json, at = ''): Array<{ path: string; value: string }> {
  if (typeof tree === 'string') return [{ path: at, value: tree }];
  if (Array.isArray(tree)) return tree.flatMap((v, i) => stringLeaves(v, `${at}[${i}]`));
  if (isObject(tree)) return Object.entries(tree).flatMap(([k, v]) => stringLeaves(v, at === '' ? k : `${at}.${k}`));
  return [];
}

/**
 * Why a config string would put a secret into the ConfigMap, or null: a URL
 * with a literal password, or a detailsToken that is not a ${VAR} reference.
 */
export function inlineSecret(leaf: { path: string; value: string }): string | null {
  const password = /:\/\/[^/@\s:]*:([^@/\s]+)@/.exec(leaf.value)?.[1];
  if (password !== undefined && !/^\$\{[^}]+\}$/.test(password)) return `${leaf.path}: URL with a literal password`;
  if (/(^|\.)detailsToken$/.test(leaf.path) && leaf.value !== '' && !/^\$\{[A-Za-z_][A-Za-z0-9_]*(:-)?\}$/.test(leaf.value)) {
    return `${leaf.path}: literal token`;
  }
  return null;
}
