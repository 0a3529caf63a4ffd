/**
 * Agrawal concepts (Agrawal, Imielinski & Swami, "Database mining: a performance perspective",
 * IEEE TKDE 5(6), 1993): nine loan-applicant features and ten classification functions.
 * Feature draws and labels follow River's `datasets.synth.Agrawal` (label 1 when the function's
 * condition holds, for functions 6–9 when disposable income ≤ 1). Function 4 follows the
 * paper's loan bands; River's version compares salary where the paper compares loan.
 * `perturbation` p moves numeric features by up to ±p·range after labelling (River's rule).
 */
import type { Concept } from './types.ts';

export const AGRAWAL_FEATURES = [
  'salary',
  'commission',
  'age',
  'elevel',
  'car',
  'zipcode',
  'hvalue',
  'hyears',
  'loan',
] as const;

const between = (v: number, lo: number, hi: number): boolean => lo <= v && v <= hi;

type Fn = (x: readonly number[]) => boolean;
const [SAL, COM, AGE, ELV, , , HVAL, HYRS, LOAN] = [0, 1, 2, 3, 4, 5, 6, 7, 8] as const;

const FUNCTIONS: Fn[] = [
  (x) => x[AGE]! < 40 || 60 <= x[AGE]!,
  (x) =>
    x[AGE]! < 40
      ? between(x[SAL]!, 50000, 100000)
      : x[AGE]! < 60
        ? between(x[SAL]!, 75000, 125000)
        : between(x[SAL]!, 25000, 75000),
  (x) => (x[AGE]! < 40 ? x[ELV]! <= 1 : x[AGE]! < 60 ? between(x[ELV]!, 1, 3) : x[ELV]! >= 2),
  (x) => {
    const [a, e, s] = [x[AGE]!, x[ELV]!, x[SAL]!];
    if (a < 40) return e <= 1 ? between(s, 25000, 75000) : between(s, 50000, 100000);
    if (a < 60) return between(e, 1, 3) ? between(s, 50000, 100000) : between(s, 75000, 125000);
    return e >= 2 ? between(s, 50000, 100000) : between(s, 25000, 75000);
  },
  (x) => {
    const [a, s, l] = [x[AGE]!, x[SAL]!, x[LOAN]!];
    if (a < 40) return between(s, 50000, 100000) ? between(l, 100000, 300000) : between(l, 200000, 400000);
    if (a < 60) return between(s, 75000, 125000) ? between(l, 200000, 400000) : between(l, 300000, 500000);
    return between(s, 25000, 75000) ? between(l, 300000, 500000) : between(l, 75000, 300000);
  },
  (x) => {
    const t = x[SAL]! + x[COM]!;
    return x[AGE]! < 40
      ? between(t, 50000, 100000)
      : x[AGE]! < 60
        ? between(t, 75000, 125000)
        : between(t, 25000, 75000);
  },
  (x) => !((2 * (x[SAL]! + x[COM]!)) / 3 - x[LOAN]! / 5 - 20000 > 1),
  (x) => !((2 * (x[SAL]! + x[COM]!)) / 3 - 5000 * x[ELV]! - 20000 > 1),
  (x) => !((2 * (x[SAL]! + x[COM]!)) / 3 - 5000 * x[ELV]! - x[LOAN]! / 5 - 10000 > 1),
  (x) => {
    const equity = x[HYRS]! >= 20 ? (x[HVAL]! * (x[HYRS]! - 20)) / 10 : 0;
    return !((2 * (x[SAL]! + x[COM]!)) / 3 - 5000 * x[ELV]! + equity / 5 - 10000 > 1);
  },
];

export function agrawalConcept(fn: number, perturbation = 0): Concept {
  const f = FUNCTIONS[fn];
  if (!f) throw new RangeError(`Agrawal function must be 0..9, got ${fn}`);
  if (perturbation < 0 || perturbation > 1) throw new RangeError('Agrawal perturbation must be in [0, 1]');
  const label = (x: readonly number[]): number => (f(x) ? 1 : 0);
  return {
    name: `agrawal-${fn}`,
    features: AGRAWAL_FEATURES,
    label,
    sample(rng) {
      const salary = 20000 + 130000 * rng.next();
      const commission = salary >= 75000 ? 0 : 10000 + 75000 * rng.next();
      const age = 20 + rng.int(61);
      const elevel = rng.int(5);
      const car = rng.int(20);
      const zipcode = rng.int(9);
      const hvalue = (9 - zipcode) * 100000 * (0.5 + rng.next());
      const hyears = 1 + rng.int(30);
      const loan = rng.next() * 500000;
      const x = [salary, commission, age, elevel, car, zipcode, hvalue, hyears, loan];
      const y = label(x);
      if (perturbation > 0) {
        const perturb = (v: number, lo: number, hi: number, range = hi - lo): number =>
          Math.min(hi, Math.max(lo, v + range * (2 * (rng.next() - 0.5)) * perturbation));
        x[SAL] = perturb(salary, 20000, 150000);
        if (commission > 0) x[COM] = perturb(commission, 10000, 75000);
        x[AGE] = Math.round(perturb(age, 20, 80));
        x[HVAL] = perturb(hvalue, (9 - zipcode) * 100000, 0, 135000);
        x[HYRS] = Math.round(perturb(hyears, 1, 30));
        x[LOAN] = perturb(loan, 0, 500000);
      }
      return { x, y };
    },
  };
}
