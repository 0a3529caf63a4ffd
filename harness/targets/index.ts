/**
 * The target registry, keyed by `type`. The scenario schema is composed from these schemas;
 * later targets (kafka, pipeline) add one module and one line here.
 */
import type { z } from 'zod';
import * as fn from './function.ts';
import * as http from './http.ts';
import * as kafka from './kafka/index.ts';
import * as pipeline from './pipeline/index.ts';
import type { Target } from './api.ts';

export const targets = {
  function: fn,
  http,
  kafka,
  pipeline,
} as const;

export type TargetType = keyof typeof targets;
export const TARGET_TYPES = Object.keys(targets) as TargetType[];
export type TargetConfig = z.output<(typeof targets)[TargetType]['schema']>;
export type FunctionTargetConfig = z.input<typeof fn.schema>;
export type HttpTargetConfig = z.input<typeof http.schema>;
export type KafkaTargetConfig = z.input<typeof kafka.schema>;
export type PipelineTargetConfig = z.input<typeof pipeline.schema>;
export type { FunctionIterationContext, FunctionTargetFn } from './function.ts';
export type { EventContext as KafkaEventContext, EventFunction as KafkaEventFunction } from './kafka/schema.ts';

export function createTarget(c: TargetConfig): Target {
  switch (c.type) {
    case 'function':
      return fn.create(c);
    case 'http':
      return http.create(c);
    case 'kafka':
      return kafka.create(c);
    case 'pipeline':
      return pipeline.create(c);
  }
}
