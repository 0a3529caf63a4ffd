/**
 * A/B routing across model versions by weight, sticky per user: a user id hashes (FNV-1a 32,
 * then a murmur3 finaliser for avalanche) to a point in [0, 1), and the cumulative weights cut
 * that interval into versions. The same user always lands on the same version while the weights
 * stay the same, with no state kept.
 */
export interface RouteWeight {
  version: string;
  weight: number;
}

function stableUnit(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

export class AbRouter {
  private readonly cuts: { version: string; upTo: number }[];
  constructor(readonly weights: readonly RouteWeight[]) {
    const total = weights.reduce((s, w) => s + Math.max(0, w.weight), 0);
    if (weights.length === 0 || !(total > 0))
      throw new RangeError('A/B routing needs at least one version with a positive weight');
    let acc = 0;
    this.cuts = weights.map((w) => {
      acc += Math.max(0, w.weight) / total;
      return { version: w.version, upTo: acc };
    });
  }

  route(userId: string): string {
    const u = stableUnit(userId);
    for (const c of this.cuts) if (u < c.upTo) return c.version;
    return this.cuts[this.cuts.length - 1]!.version;
  }
}

/** parse `v1=90,v2=10` (CLI form) */
export function parseWeights(s: string): RouteWeight[] {
  return s
    .split(',')
    .filter(Boolean)
    .map((part) => {
      const [version, w] = part.split('=');
      const weight = Number(w);
      if (!version || !Number.isFinite(weight) || weight < 0)
        throw new RangeError(`bad route weight "${part}" (expected version=weight, e.g. v1=90)`);
      return { version: version.trim(), weight };
    });
}
