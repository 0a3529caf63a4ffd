/**
 * The scenario schema: one zod schema per shape, composed from each executor's and each
 * target's own schema (harness/executors, harness/targets). TypeScript types derive from it.
 */
import { z } from 'zod';
import { executors, type ExecutorType } from '../executors/index.ts';
import { faultsSchema } from '../faults/schema.ts';
import { targetSchemas } from '../targets/schemas.ts';
import { duration, nonEmptyString, strictObject, tags, positiveInt } from '../config/fields.ts';

const executorSchemas = Object.values(executors).map((e) => e.schema) as unknown as [
  (typeof executors)[ExecutorType]['schema'],
  ...(typeof executors)[ExecutorType]['schema'][],
];
export const executorSchema = z.discriminatedUnion('executor', executorSchemas);
const targetSchema = z.discriminatedUnion('type', [
  targetSchemas.function,
  targetSchemas.http,
  targetSchemas.kafka,
  targetSchemas.pipeline,
]);

const thresholdSpecSchema = z.union(
  [
    z.string(),
    strictObject({
      threshold: z.string({ error: 'expected a threshold expression such as "p(99)<500"' }),
      abortOnFail: z.boolean({ error: 'expected true or false' }).optional(),
      delayAbortEval: duration().optional(),
    }),
  ],
  { error: 'expected a threshold string such as "p(99)<500" or { threshold, abortOnFail, delayAbortEval }' },
);
const thresholdsSchema = z.record(
  z.string(),
  z.array(thresholdSpecSchema, { error: 'expected an array of thresholds, e.g. ["p(99)<500"]' }),
  { error: 'expected an object: metric name → array of thresholds' },
);

/** k6 scenario names: letters, digits, '_' and '-' (they become tag values and file names) */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export const scenarioSchema = strictObject({
  name: nonEmptyString().regex(NAME, {
    error: 'use letters, digits, ".", "_" and "-" only (it names the report directory)',
  }),
  description: z.string().optional(),
  /** seed for every random stream of the run (default 1): same seed, same run */
  seed: z
    .union([z.number().int().nonnegative(), z.string().min(1)], { error: 'expected an integer ≥ 0 or a string' })
    .optional(),
  tags: tags().optional(),
  /** figures exclude the first `warmup` of the run (it still appears in the time series) */
  warmup: duration().optional(),
  target: targetSchema,
  executors: z
    .record(
      z.string().regex(/^[A-Za-z0-9_-]+$/, { error: 'executor names use letters, digits, "_" and "-" only' }),
      executorSchema,
      {
        error: 'expected an object: executor name → executor config',
      },
    )
    .refine((r) => Object.keys(r).length > 0, {
      error:
        'define at least one executor, e.g. { main: { executor: "constant-arrival-rate", rate: 100, ' +
        'duration: "10s" } }',
    }),
  thresholds: thresholdsSchema.optional(),
  /** service overrides (`kafka`, `redis`, ...), the same as --kafka etc. */
  services: z.record(z.string(), z.string()).optional(),
  report: strictObject({ outDir: z.string().min(1).optional() }).optional(),
  /** what goes wrong during the run, and when (docs/faults.md) */
  faults: faultsSchema.optional(),
  /** `pipelab run` spreads the executors over this many processes, each an execution segment (--workers) */
  workers: positiveInt().optional(),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ExecutorConfigInput = z.input<typeof executorSchema>;
export type TargetConfigInput = z.input<typeof targetSchema>;
