/**
 * Scenarios: `defineScenario` for scenario files, `loadScenario` / `validateScenario` for the
 * CLI and notebooks, `planScenario` to see what a scenario will do without running it.
 */
export {
  defineScenario,
  loadScenario,
  validateScenario,
  planScenario,
  configOf,
} from './load.ts';
export type { Scenario, ScenarioPlan } from './load.ts';
export type { ScenarioInput, ExecutorConfigInput, TargetConfigInput } from './schema.ts';
