/**
 * The targets by `type`: createTarget builds one from its validated config. The scenario
 * schema is composed from their schemas, which schemas.ts holds apart (validation need not load
 * the targets' clients); a new target adds one module and one line here and there.
 */
import type { z } from 'zod';
import * as fn from './function.ts';
import * as http from './http.ts';
import * as kafka from './kafka/index.ts';
import * as pipeline from './pipeline/index.ts';
import type { Target } from './api.ts';
import type { TargetConfig } from './schemas.ts';

export { TARGET_TYPES, type TargetConfig, type TargetType } from './schemas.ts';
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
