/**
 * Which live member probes which check in shard mode: rendezvous
 * (highest-random-weight) hashing of check name × member id. Every member
 * computes the same answer from the same member list, with no coordination,
 * and a member joining or leaving moves only the checks it wins or held
 * (about 1/n of them), never reshuffling the rest.
 */
import { createHash } from 'node:crypto';

/** The weight of `member` for `check`: the first 6 bytes of SHA-256, as a number (exact in a double). */
function weight(check: string, member: string): number {
  return createHash('sha256').update(check).update('\u0000').update(member).digest().readUIntBE(0, 6);
}

/** The member that owns `check` among `members` (ids), or null when there are none. Ties go to the smaller id. */
export function ownerOf(check: string, members: readonly string[]): string | null {
  let best: string | null = null;
  let bestWeight = -1;
  for (const m of members) {
    const w = weight(check, m);
    if (w > bestWeight || (w === bestWeight && best !== null && m < best)) {
      best = m;
      bestWeight = w;
    }
  }
  return best;
}

/** check -> owner id, for every check. */
export function assign(checks: readonly string[], members: readonly string[]): Map<string, string | null> {
  return new Map(checks.map((c) => [c, ownerOf(c, members)]));
}
