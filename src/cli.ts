#!/usr/bin/env node
/**
 * health-aggregator serve | check | validate  [--config FILE] [--json]
 * Exit codes: 0 fine, 1 a critical check fails (check), 2 bad config or arguments.
 */
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { runChecksOnce } from './check-command';
import { ConfigError, loadConfig } from './config';
import { redactConfig } from './observability/redact';
import { runServer } from './server';
import type { Config } from './types';

const USAGE = `usage: health-aggregator <command> [options]

commands:
  serve      run the service (default for npm start)
  check      run every check once and print a table; exit 1 if a critical check fails
  validate   check the config and print it normalised, secrets redacted

options:
  --config FILE   YAML or JSON config (default: $HEALTH_CONFIG, else environment variables)
  --json          (check) print JSON instead of a table
  -h, --help      show this help
`;

export const EXIT_OK = 0;
export const EXIT_FAILING = 1;
export const EXIT_USAGE = 2;

interface Io {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Io = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`),
};

function load(file: string | undefined, io: Io): Config | null {
  try {
    return loadConfig({ file, env: process.env });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`invalid configuration (${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}):`);
    for (const p of err.problems) io.err(`  ${p}`);
    return null;
  }
}

/** Runs a command; resolves with the exit code (serve resolves when the server has shut down). */
export async function main(argv: readonly string[], io: Io = stdio): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { config: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return EXIT_OK;
  }
  const [command = 'serve', ...extra] = positionals;
  if (!['serve', 'check', 'validate'].includes(command) || extra.length > 0) {
    io.err(`${extra.length > 0 ? `unexpected argument: ${extra[0]}` : `unknown command: ${command}`}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (values.json && command !== 'check') {
    io.err(`--json is only for check\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const config = load(values.config, io);
  if (!config) return EXIT_USAGE;

  if (command === 'validate') {
    io.out(`# config from ${config.source}: valid, ${config.checks.length} check(s); durations in ms, secrets redacted\n`);
    io.out(stringify(redactConfig(config)));
    return EXIT_OK;
  }
  if (command === 'check') {
    const report = await runChecksOnce(config, { json: values.json ?? false });
    io.out(report.text);
    return report.exitCode;
  }
  const server = await runServer(config);
  return server.closed;
}

if (require.main === module) {
  // Node 20.19+ is supported (CONTRACT §6); the AWS SDK's multi-line notice
  // that it will want Node 22 would land as plain text on stderr, outside the
  // JSON log, on every start. The SDK's own switch, read when a client is built.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // `validate | head` closes the pipe early: the reader has what it wanted, so exit quietly instead of
  // dying of an unhandled EPIPE with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_OK);
      throw err;
    });
  }
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`health-aggregator: ${(err as Error)?.message ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
