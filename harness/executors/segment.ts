/**
 * k6-style execution segments: N pipelab processes (on one machine or many) each run their share
 * of one scenario. `--execution-segment 1/4:2/4` names this process's share of [0, 1];
 * `--execution-segment-sequence 0,1/4,2/4,3/4,1` the whole partition (default: 0, start, end, 1).
 *
 * Work is striped, not cut in blocks: iterations (open model) and VUs (closed model) are numbered
 * as in one unsegmented run, and each block of L consecutive numbers (L = the least common
 * denominator of the sequence) is dealt to the segments by smooth weighted round-robin, each
 * getting its share of every block. So every process runs evenly spread iterations at their
 * global planned times, the shares add up exactly to the whole, and latency is measured from the
 * same intended start as in one process.
 */
import { PipelabError } from '../../errors.ts';

interface Fraction {
  n: number;
  d: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const MAX_DENOMINATOR = 1_000_000;

function bad(what: string, value: string, why: string, flag: string): PipelabError {
  const example = flag === '--execution-segment' ? "'0:1/4' or '1/4:2/4'" : "'0,1/4,1/2,3/4,1'";
  return new PipelabError('INVALID_ARGUMENT', `${flag} '${value}': ${why}`, {
    hint: `give ${what}, e.g. ${example} (fractions, decimals or percentages between 0 and 1)`,
  });
}

/** '1/4', '0.25', '25%', '0', '1' → a reduced fraction in [0, 1]; undefined when it is none */
function fraction(s: string): Fraction | undefined {
  const t = s.trim();
  let n: number;
  let d: number;
  const ratio = /^(\d+)\/(\d+)$/.exec(t);
  const dec = /^(\d+)(?:\.(\d+))?(%?)$/.exec(t);
  if (ratio) {
    n = Number(ratio[1]);
    d = Number(ratio[2]);
  } else if (dec) {
    const frac = dec[2] ?? '';
    d = 10 ** frac.length * (dec[3] ? 100 : 1);
    n = Number(dec[1]) * 10 ** frac.length + Number(frac || 0);
  } else return undefined;
  if (d === 0 || n > d || d > MAX_DENOMINATOR) return undefined;
  const g = gcd(n, d) || 1;
  return { n: n / g, d: d / g };
}

const value = (f: Fraction) => f.n / f.d;
const show = (f: Fraction) => (f.n === 0 ? '0' : f.n === f.d ? '1' : `${f.n}/${f.d}`);
const same = (a: Fraction, b: Fraction) => a.n === b.n && a.d === b.d;

/** one process's share of a scenario's work */
export class ExecutionSegment {
  /** e.g. '1/4:1/2' */
  readonly segment: string;
  /** e.g. '0,1/4,1/2,3/4,1' */
  readonly sequence: string;
  /** the share of [0, 1] this segment covers */
  readonly share: number;
  readonly from: number;
  readonly to: number;
  /** block length and the positions within a block this segment owns, ascending */
  private readonly block: number;
  private readonly positions: number[];

  constructor(segment: string, sequence?: string) {
    const flag = '--execution-segment';
    const parts = segment.includes(':') ? segment.split(':') : ['0', segment];
    const ends = parts.map(fraction);
    const [a, b] = ends;
    if (parts.length !== 2 || !a || !b) throw bad('a segment start:end', segment, 'not a segment', flag);
    if (value(a) >= value(b)) throw bad('a segment start:end', segment, 'its start must be below its end', flag);
    const seq = sequence === undefined ? [a, b] : parseSequence(sequence);
    if (seq[0]!.n !== 0) seq.unshift({ n: 0, d: 1 });
    if (value(seq.at(-1)!) !== 1) seq.push({ n: 1, d: 1 });
    const i = seq.findIndex((f) => same(f, a));
    if (i < 0 || !seq[i + 1] || !same(seq[i + 1]!, b))
      throw bad(
        'a segment that is one step of the sequence',
        segment,
        `is not one step of the sequence ${seq.map(show).join(',')}`,
        flag,
      );
    this.segment = `${show(a)}:${show(b)}`;
    this.sequence = seq.map(show).join(',');
    this.from = value(a);
    this.to = value(b);
    this.share = this.to - this.from;
    this.block = seq.reduce((l, f) => (l * f.d) / gcd(l, f.d), 1);
    if (this.block > MAX_DENOMINATOR)
      throw bad('simpler fractions', this.sequence, `their common denominator ${this.block} is too large`, flag);
    this.positions = deal(seq, this.block)[i]!;
  }

  /** how many of the numbers 0 … n−1 are this segment's */
  count(n: number): number {
    const full = Math.floor(n / this.block);
    const rest = n - full * this.block;
    let c = full * this.positions.length;
    for (const p of this.positions) if (p < rest) c++;
    return c;
  }

  /** the k-th (0-based) of this segment's numbers, in the unsegmented numbering */
  nth(k: number): number {
    const per = this.positions.length;
    return Math.floor(k / per) * this.block + this.positions[k % per]!;
  }
}

function parseSequence(s: string): Fraction[] {
  const flag = '--execution-segment-sequence';
  const fs = s.split(',').map(fraction);
  if (fs.some((f) => !f)) throw bad('ascending fractions', s, 'not a list of fractions', flag);
  const seq = fs as Fraction[];
  for (let i = 1; i < seq.length; i++)
    if (value(seq[i]!) <= value(seq[i - 1]!)) throw bad('ascending fractions', s, 'must be strictly ascending', flag);
  return seq;
}

/** positions 0 … L−1 of a block dealt to the sequence's segments in proportion, evenly spread */
function deal(seq: Fraction[], L: number): number[][] {
  const weights = seq.slice(1).map((f, j) => Math.round((value(f) - value(seq[j]!)) * L));
  const current = weights.map(() => 0);
  const out: number[][] = weights.map(() => []);
  for (let p = 0; p < L; p++) {
    let best = 0;
    for (let j = 0; j < weights.length; j++) {
      current[j]! += weights[j]!;
      if (current[j]! > current[best]!) best = j;
    }
    current[best]! -= L;
    out[best]!.push(p);
  }
  return out;
}
