import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The version in this package's package.json, found by walking up from this
 * file (src/config when run from source, dist/config when built), so it works
 * from either layout and from any working directory. "unknown" if not found.
 */
export function packageVersion(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'health-aggregator' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no (readable) package.json here: keep walking
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
