/**
 * Scenarios: `defineScenario` for scenario files, `loadScenario` / `validateScenario` for the
 * CLI and notebooks, `planScenario` to see what a scenario will do without running it.
 */
export {
  defineScenario,
  loadScenario,
  validateScenario,
  applyOverrides,
  planScenario,
  configOf,
  thresholdsOf,
  DEFAULT_SEED,
} from './load.ts';
export type { Scenario, ScenarioPlan } from './load.ts';
export { scenarioSchema, executorSchema, targetSchema } from './schema.ts';
export type { ScenarioInput, ExecutorConfigInput, TargetConfigInput } from './schema.ts';
