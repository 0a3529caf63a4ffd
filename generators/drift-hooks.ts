/**
 * Drift hooks: change any sampling parameter of a generator at an onset, suddenly or gradually.
 *
 * A generator keeps its sampling parameters in one plain object of numbers and weight maps
 * (e.g. `{ amount: { muShift: 0 }, fraudRate: 0.01, channelWeights: { online: 4, pos: 5 } }`).
 * A drift names a dotted path into it, an operation and a value; it applies from `onset`
 * (an event index, or ms after the stream start) over `width` (same unit; 0 = sudden).
 *
 * Gradual drift follows MOA's ConceptDriftStream (Bifet et al., MOA 2010): each event comes
 * from the new concept with probability P(new) = 1 / (1 + e^(−4 (t − onset) / width)), so the
 * mixture moves from old to new around `onset`, 50/50 exactly there. Sudden drift: P(new) is 0
 * before onset and 1 from onset on. Several drifts compose in onset order.
 *
 * Each distinct set of active drifts builds its parameters once (cached by bitmask), so the
 * per-event cost is one comparison per drift (plus one uniform draw while a gradual drift is
 * mid-transition, from a forked stream so drifts never shift the other streams).
 */
import { z } from 'zod';
import type { Rng } from './rng.ts';
import { PipelabError } from '../errors.ts';
import { parseOrThrow } from './validate.ts';

export const DriftSpecSchema = z.strictObject({
  /** name for the ground truth; defaults to `<param>@<onset>` */
  id: z.string().min(1).optional(),
  /** dotted path into the generator's parameters, e.g. `amount.muShift`, `channelWeights` */
  param: z.string().min(1),
  /** set: replace; add: add to; mul: multiply (weight maps: per given key) */
  op: z.enum(['set', 'add', 'mul']).default('set'),
  /** a number, or for a weight map an object of key → number (only the keys given change) */
  value: z.union([z.number().finite(), z.record(z.string(), z.number().finite().nonnegative())]),
  /** event index (unit 'index') or ms after the stream start (unit 'time') where P(new) = 0.5 */
  onset: z.number().finite().nonnegative(),
  unit: z.enum(['index', 'time']).default('index'),
  /** transition width in the same unit; 0 = sudden */
  width: z.number().finite().nonnegative().default(0),
});
export type DriftSpecInput = z.input<typeof DriftSpecSchema>;
export type DriftSpec = z.output<typeof DriftSpecSchema>;

/** what a drift lab scores detectors against */
export interface DriftTruth {
  id: string;
  param: string;
  op: DriftSpec['op'];
  value: DriftSpec['value'];
  unit: DriftSpec['unit'];
  onset: number;
  width: number;
  kind: 'sudden' | 'gradual';
  /** 'concept': changes how labels arise (P(y|x) or P(y)); 'feature': only the inputs (P(x)) */
  type: 'concept' | 'feature';
  /** absolute ms of the onset when unit is 'time' */
  onsetTimeMs?: number;
}

/** a parameter tree: numbers and (nested) maps of numbers */
export type Params = { [k: string]: number | Params };

/** P(new concept) at position t (MOA's sigmoid; a step when width is 0) */
export function driftProbability(t: number, onset: number, width: number): number {
  if (width === 0) return t >= onset ? 1 : 0;
  return 1 / (1 + Math.exp((-4 * (t - onset)) / width));
}

/** every path a drift may target, with whether it is a number or a weight map */
export function paramPaths(p: Params, prefix = ''): Array<{ path: string; kind: 'number' | 'map' }> {
  const out: Array<{ path: string; kind: 'number' | 'map' }> = [];
  for (const [k, v] of Object.entries(p)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'number') out.push({ path, kind: 'number' });
    else {
      if (Object.values(v).every((x) => typeof x === 'number')) out.push({ path, kind: 'map' });
      out.push(...paramPaths(v, path));
    }
  }
  return out;
}

/** a short listing for error messages: `amount.muShift, travelRate, channelWeights{online,pos,…}` */
function describeParams(p: Params): string {
  const all = paramPaths(p);
  const maps = all.filter((x) => x.kind === 'map').map((x) => x.path);
  return all
    .filter((x) => x.kind === 'map' || !maps.some((m) => x.path.startsWith(`${m}.`)))
    .map((x) => {
      if (x.kind === 'number') return x.path;
      const node = x.path.split('.').reduce<Params>((n, k) => n[k] as Params, p);
      return `${x.path}{${Object.keys(node).join(',')}}`;
    })
    .join(', ');
}

function clone<P>(p: P): P {
  return structuredClone(p);
}

function apply(params: Params, d: DriftSpec): void {
  const keys = d.param.split('.');
  let node: Params = params;
  for (const k of keys.slice(0, -1)) node = node[k] as Params;
  const last = keys[keys.length - 1] as string;
  const cur = node[last] as number | Params;
  const op = (a: number, b: number): number => (d.op === 'set' ? b : d.op === 'add' ? a + b : a * b);
  if (typeof cur === 'number') node[last] = op(cur, d.value as number);
  else for (const [k, v] of Object.entries(d.value as Record<string, number>)) cur[k] = op(cur[k] as number, v);
}

export interface DriftOptions<P extends Params, C> {
  base: P;
  /** turns a parameter tree into whatever the hot path needs (tables, CDFs); called once per set */
  compile: (p: P) => C;
  drifts: readonly DriftSpecInput[];
  rng: Rng;
  /** absolute ms of the stream start (for unit 'time') */
  startMs: number;
  /** which params change the labelling rule (concept drift) */
  isConcept?: (path: string) => boolean;
  /** for error paths, e.g. `/drifts` */
  pathPrefix?: string;
}

export class DriftSchedule<P extends Params, C> {
  readonly truth: DriftTruth[];
  private readonly specs: DriftSpec[];
  private readonly base: P;
  private readonly compileFn: (p: P) => C;
  private readonly baseCompiled: C;
  private readonly cache = new Map<number, C>();
  private readonly rng: Rng;
  private readonly startMs: number;
  private readonly onsets: Float64Array;
  private readonly widths: Float64Array;
  private readonly byTime: Uint8Array;

  constructor(o: DriftOptions<P, C>) {
    const prefix = o.pathPrefix ?? '/drifts';
    const specs = o.drifts.map((d, i) => parseOrThrow(DriftSpecSchema, d, 'drift', `${prefix}/${i}`));
    if (specs.length > 30)
      throw new PipelabError('INVALID_ARGUMENT', `at most 30 drifts per stream, got ${specs.length}`);
    const known = new Map(paramPaths(o.base).map((p) => [p.path, p.kind]));
    const issues = [];
    for (const [i, d] of specs.entries()) {
      const kind = known.get(d.param);
      const listing = describeParams(o.base);
      if (!kind)
        issues.push({ path: `${prefix}/${i}/param`, message: `unknown parameter '${d.param}'; known: ${listing}` });
      else if (kind === 'number' && typeof d.value !== 'number')
        issues.push({ path: `${prefix}/${i}/value`, message: `'${d.param}' is a number: value must be a number` });
      else if (kind === 'map') {
        if (typeof d.value === 'number')
          issues.push({
            path: `${prefix}/${i}/value`,
            message: `'${d.param}' is a weight map: value must be an object of key → number`,
          });
        else {
          const node = d.param.split('.').reduce<Params>((n, k) => n[k] as Params, o.base);
          for (const k of Object.keys(d.value))
            if (!(k in node))
              issues.push({
                path: `${prefix}/${i}/value/${k}`,
                message: `unknown key '${k}' in '${d.param}'; known: ${Object.keys(node).join(', ')}`,
              });
        }
      }
    }
    if (issues.length)
      throw new PipelabError('INVALID_ARGUMENT', 'invalid drift', {
        issues,
        hint: 'see docs/generators.md (drift) for the parameters each generator exposes',
      });
    // active drifts apply in the order given (index and time onsets are not comparable)
    this.specs = specs;
    this.base = o.base;
    this.compileFn = o.compile;
    this.baseCompiled = o.compile(clone(o.base));
    this.rng = o.rng;
    this.startMs = o.startMs;
    this.onsets = Float64Array.from(specs, (d) => d.onset);
    this.widths = Float64Array.from(specs, (d) => d.width);
    this.byTime = Uint8Array.from(specs, (d) => (d.unit === 'time' ? 1 : 0));
    this.truth = specs.map((d) => ({
      id: d.id ?? `${d.param}@${d.onset}${d.unit === 'time' ? 'ms' : ''}`,
      param: d.param,
      op: d.op,
      value: d.value,
      unit: d.unit,
      onset: d.onset,
      width: d.width,
      kind: d.width === 0 ? ('sudden' as const) : ('gradual' as const),
      type: o.isConcept?.(d.param) ? ('concept' as const) : ('feature' as const),
      ...(d.unit === 'time' ? { onsetTimeMs: o.startMs + d.onset } : {}),
    }));
  }

  /** parameters for the event at `index` (0-based) and absolute time `timeMs` */
  at(index: number, timeMs: number): C {
    const n = this.specs.length;
    if (n === 0) return this.baseCompiled;
    let mask = 0;
    for (let i = 0; i < n; i++) {
      const t = this.byTime[i] ? timeMs - this.startMs : index;
      const on = this.onsets[i] as number,
        w = this.widths[i] as number;
      if (w === 0) {
        if (t >= on) mask |= 1 << i;
        continue;
      }
      const x = (-4 * (t - on)) / w;
      if (x > 40) continue; // P(new) < 5e-18: old concept, no draw
      if (x < -40 || this.rng.next() * (1 + Math.exp(x)) < 1) mask |= 1 << i;
    }
    if (mask === 0) return this.baseCompiled;
    let c = this.cache.get(mask);
    if (c === undefined) {
      const p = clone(this.base);
      for (let i = 0; i < n; i++) if (mask & (1 << i)) apply(p, this.specs[i] as DriftSpec);
      c = this.compileFn(p);
      this.cache.set(mask, c);
    }
    return c;
  }
}
