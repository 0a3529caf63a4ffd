/**
 * The drift-lab evaluation config (`pipelab drift evaluate <config>`), one zod schema per shape;
 * validation reports every problem with its path. Defaults live in EVALUATE_DEFAULTS.
 */
import { z } from 'zod';
import { PipelabError, type Issue } from '../../errors.ts';
import { DriftSpecSchema } from '../../generators/drift-hooks.ts';

export const EVALUATE_DEFAULTS = { seed: 1, runs: 10, deltaMax: 1000, deltaPre: 0 } as const;

const numericDrift = z.object({
  shape: z.enum(['sudden', 'gradual', 'incremental', 'recurring']),
  at: z.number().int().nonnegative(),
  width: z.number().nonnegative().optional(),
  duration: z.number().int().positive().optional(),
  mean: z.number().optional(),
  sd: z.number().positive().optional(),
});

const transitions = {
  positions: z.array(z.number().int().nonnegative()).default([]),
  width: z.number().nonnegative().default(0),
  noise: z.number().min(0).max(1).default(0),
};

const streamSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('numeric'),
    name: z.string().optional(),
    n: z.number().int().positive(),
    base: z.object({ mean: z.number(), sd: z.number().positive() }).optional(),
    drifts: z.array(numericDrift).default([]),
  }),
  z.object({
    type: z.literal('sea'),
    name: z.string().optional(),
    n: z.number().int().positive(),
    variants: z.array(z.number().int().min(0).max(3)).min(1),
    ...transitions,
  }),
  z.object({
    type: z.literal('stagger'),
    name: z.string().optional(),
    n: z.number().int().positive(),
    concepts: z.array(z.number().int().min(0).max(2)).min(1),
    ...transitions,
  }),
  z.object({
    type: z.literal('agrawal'),
    name: z.string().optional(),
    n: z.number().int().positive(),
    functions: z.array(z.number().int().min(0).max(9)).min(1),
    perturbation: z.number().min(0).max(1).default(0),
    ...transitions,
  }),
  z.object({
    type: z.literal('hyperplane'),
    name: z.string().optional(),
    n: z.number().int().positive(),
    onset: z.number().int().nonnegative().default(0),
    magChange: z.number().nonnegative().default(0.001),
    noise: z.number().min(0).max(1).default(0.05),
    features: z.number().int().positive().default(10),
    driftFeatures: z.number().int().nonnegative().default(2),
  }),
  // the transaction generator (gen's drift hooks, `param` paths such as amount.muShift);
  // the detectors see one numeric feature per event
  z.object({
    type: z.literal('transactions'),
    name: z.string().optional(),
    n: z.number().int().positive(),
    feature: z.enum(['amount', 'logAmount']).default('logAmount'),
    users: z.number().int().positive().default(10_000),
    fraudRate: z.number().min(0).max(0.5).default(0),
    drifts: z.array(DriftSpecSchema).default([]),
  }),
  z.object({
    type: z.literal('label'),
    name: z.string().optional(),
    n: z.number().int().positive(),
    prior: z.number().min(0).max(1),
    drifts: z
      .array(
        z.object({
          at: z.number().int().nonnegative(),
          width: z.number().nonnegative().optional(),
          prior: z.number().min(0).max(1),
        }),
      )
      .default([]),
  }),
]);

const detectorName = z.enum(['adwin', 'page-hinkley', 'kswin', 'ddm', 'eddm', 'hddm-a']);
const detectorSchema = z.union([
  detectorName,
  z.object({
    name: detectorName,
    label: z.string().optional(),
    options: z.record(z.string(), z.unknown()).default({}),
  }),
]);

const evaluateConfigSchema = z.object({
  seed: z.number().int().nonnegative().default(EVALUATE_DEFAULTS.seed),
  /** seeded repetitions of every stream */
  runs: z.number().int().positive().default(EVALUATE_DEFAULTS.runs),
  deltaMax: z.number().int().positive().default(EVALUATE_DEFAULTS.deltaMax),
  deltaPre: z.number().int().nonnegative().default(EVALUATE_DEFAULTS.deltaPre),
  streams: z.array(streamSchema).min(1),
  detectors: z.array(detectorSchema).min(1),
});

export type EvaluateConfigInput = z.input<typeof evaluateConfigSchema>;
export type EvaluateConfig = z.output<typeof evaluateConfigSchema>;
export type StreamConfig = EvaluateConfig['streams'][number];
export type DetectorConfig = EvaluateConfig['detectors'][number];

export function parseEvaluateConfig(input: unknown, source = 'config'): EvaluateConfig {
  const r = evaluateConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const issues: Issue[] = r.error.issues.map((i) => ({ path: `/${i.path.map(String).join('/')}`, message: i.message }));
  throw new PipelabError('INVALID_SCENARIO', `invalid drift evaluation config in ${source}`, {
    issues,
    hint: 'see docs/drift.md ("pipelab drift evaluate") for the config fields and an example',
  });
}
