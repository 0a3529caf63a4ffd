/**
 * The samples behind test/fixtures/drift/reference.json, regenerated exactly: a 31-bit LCG
 * (s ← (1103515245·s + 12345) mod 2³¹) that make-fixtures.py runs too, so the fixture stores
 * only specs and expected values.
 */
export interface SampleSpec {
  seed: number;
  n: number;
  kind: 'uniform' | 'bell' | 'int';
  loc: number;
  scale: number;
}

function lcg(seed: number): () => number {
  let s = seed % 2 ** 31;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s / 2 ** 31;
  };
}

export function sample(spec: SampleSpec): number[] {
  const g = lcg(spec.seed);
  const out: number[] = [];
  for (let i = 0; i < spec.n; i++) {
    if (spec.kind === 'uniform') out.push(spec.loc + spec.scale * g());
    else if (spec.kind === 'bell') {
      const u = g() + g() + g() + g();
      out.push(spec.loc + spec.scale * (u - 2.0));
    } else out.push(Math.floor(g() * spec.scale) + spec.loc);
  }
  return out;
}

/** JSON fixtures spell non-finite numbers as strings */
export function num(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return NaN;
}

/** |a − b| ≤ rel·|b| (exact equality for zeros and infinities) */
export function closeRel(a: number, b: number, rel = 1e-9): boolean {
  if (a === b) return true;
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  return Math.abs(a - b) <= rel * Math.abs(b);
}
