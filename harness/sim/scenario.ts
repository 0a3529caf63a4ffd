/**
 * Simulation scenarios: a file whose default export is `defineSimulation({...})`, a pipeline
 * model config plus what its report needs (cost spec, the load change to measure reactions from).
 * They live in scenarios/sim/ (scenarios/*.ts are the engine's live scenarios) and run with
 * `pipelab sim run <file>`.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { PipelabError } from '../errors.ts';
import type { CostSpec } from '../cost/cost.ts';
import { resolveConfig, type PipelineSimConfig } from './config.ts';

export interface SimulationScenario extends PipelineSimConfig {
  name: string;
  description?: string;
  /** instance types per group for the cost lines of the report */
  cost?: CostSpec;
  /** when the load changes (e.g. a spike starts), ms: reaction times are measured from here */
  loadChangeAtMs?: number;
}

/** identity with a type, so scenario files are checked as they are written */
export function defineSimulation(s: SimulationScenario): SimulationScenario {
  return s;
}

export interface SimulationOverrides {
  seed?: number;
  durationMs?: number;
}

export async function loadSimulation(file: string, overrides: SimulationOverrides = {}): Promise<SimulationScenario> {
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(resolve(file)).href)) as { default?: unknown };
  } catch (e) {
    throw new PipelabError('SCENARIO_NOT_FOUND', `cannot load simulation scenario ${file}: ${(e as Error).message}`, { cause: e, hint: 'pass a .ts file whose default export is defineSimulation({...}), e.g. scenarios/sim/autoscale-spike.ts' });
  }
  const s = mod.default as SimulationScenario | undefined;
  if (!s || typeof s !== 'object' || typeof s.name !== 'string') {
    throw new PipelabError('INVALID_SCENARIO', `${file} has no default export from defineSimulation({...})`, { hint: "export default defineSimulation({ name: 'x', durationMs: 60_000, arrivals: { kind: 'poisson', rate: 1000 } })" });
  }
  const out = { ...s, ...(overrides.seed !== undefined ? { seed: overrides.seed } : {}), ...(overrides.durationMs !== undefined ? { durationMs: overrides.durationMs } : {}) };
  // a shortened run keeps a warm-up that fits: a tenth of the new duration at most
  if (overrides.durationMs !== undefined && (out.warmupMs ?? 0) >= overrides.durationMs) out.warmupMs = Math.floor(overrides.durationMs / 10);
  resolveConfig(out); // validate now: every problem with its path
  return out;
}
