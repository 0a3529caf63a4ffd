/**
 * The scenario fields of every target, keyed by `type`: what validating a scenario needs. The
 * targets themselves (index.ts) load their clients (undici, kafkajs, the stream processor, the
 * model server), which validation and `--help` should not wait for. A new target adds its schema
 * here and its module in index.ts.
 */
import type { z } from 'zod';
import { schema as fnSchema } from './function.ts';
import { schema as httpSchema } from './http-schema.ts';
import { schema as kafkaSchema } from './kafka/schema.ts';
import { schema as pipelineSchema } from './pipeline/schema.ts';

export const targetSchemas = {
  function: fnSchema,
  http: httpSchema,
  kafka: kafkaSchema,
  pipeline: pipelineSchema,
} as const;

export type TargetType = keyof typeof targetSchemas;
export const TARGET_TYPES = Object.keys(targetSchemas) as TargetType[];
export type TargetConfig = z.output<(typeof targetSchemas)[TargetType]>;
