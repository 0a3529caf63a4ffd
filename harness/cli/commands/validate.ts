import type { Command } from 'commander';
import type { Scenario, ScenarioPlan } from '../../scenario/index.ts';
import { formatDuration } from '../../../results/duration.ts';
import { planScenario } from '../../scenario/index.ts';
import { addServiceOptions, parseOverrides } from '../flags.ts';
import type { SimulationScenario } from '../../sim/scenario.ts';
import { resolveConfig } from '../../sim/config.ts';
import type { RunFlags } from '../flags.ts';

const EXAMPLES = `
Examples:
  $ pipelab validate scenarios/smoke.ts
  $ pipelab validate scenarios/*.ts                                  (each plan in turn, a blank line between)
  $ pipelab validate scenarios/smoke.ts --duration 2m --rate 5000   (the plan with run overrides)
  $ pipelab validate scenarios/diurnal.ts                            (a simulation: the model it would run)

Exit codes: 0 valid, 104 invalid (every problem is listed with its path, e.g. /executors/main/rate;
with several files, the first invalid one stops the check after the plans of those before it).`;

export function register(program: Command): void {
  const cmd = program
    .command('validate')
    .description('check a scenario and print what it would do, without running it')
    .argument('<scenarios...>', 'scenario files (TypeScript), e.g. scenarios/smoke.ts')
    .option('--seed <n>', 'as for run: seed override')
    .option('--duration <d>', 'as for run: duration override (30s, 2m, 1h30m)')
    .option('--rate <r>', 'as for run: arrival rate override (iterations per second)')
    .addHelpText('after', EXAMPLES)
    .action(async (files: string[], opts: RunFlags) => {
      const overrides = parseOverrides(opts);
      const loadAnyScenario = (await import('../../sim/scenario.ts')).loadAnyScenario;
      for (const [i, file] of files.entries()) {
        // one process for many files: loading the library once is most of a check's time
        const loaded = await loadAnyScenario(file, overrides);
        const plan =
          loaded.kind === 'simulation'
            ? formatSimulationPlan(loaded.scenario, file)
            : formatPlan(loaded.scenario, planScenario(loaded.scenario));
        process.stdout.write(i === 0 ? plan : `\n${plan}`);
      }
      process.exitCode = 0;
    });
  // --kafka, --redis, --model-server and their --*-mode, each also from PIPELAB_* (flags.ts)
  addServiceOptions(cmd);
}

const fmtMs = (ms: number) => formatDuration(Math.round(ms));

/** what `validate` prints for a simulation scenario: the model, the autoscalers and the thresholds */
export function formatSimulationPlan(s: SimulationScenario, file?: string): string {
  const out: string[] = [];
  const r = resolveConfig(s); // defaults filled in (already validated)
  out.push(`simulation scenario ${s.name} is valid${file ? ` (${file})` : ''}`);
  if (s.description) out.push(`  ${s.description}`);
  out.push(
    `  seed: ${r.seed}`,
    `  simulated time: ${fmtMs(r.durationMs)}, warm-up ${fmtMs(r.warmupMs)} (excluded from figures and thresholds)`,
  );
  const a = s.arrivals as unknown as Record<string, unknown>;
  out.push(`  arrivals: ${typeof a.next === 'function' ? 'custom ArrivalProcess' : JSON.stringify(a)}`);
  out.push(
    `  partitions: ${r.partitions}; consumers ${r.consumers.replicas} (max ${r.consumers.maxReplicas}, ` +
      `${r.consumers.cores} cores each), model servers ${r.modelServer.replicas} (max ` +
      `${r.modelServer.maxReplicas}, batches of ${r.modelServer.batchSize}), feature store ` +
      `${r.featureStore.replicas} (max ${r.featureStore.maxReplicas})`,
  );
  const pol = s.autoscaling?.policies ?? [];
  const scalers = [
    ...pol.map((p) => `${p.group} (${p.hpa.name ?? 'HPA'}, start-up ${fmtMs(p.startupDelayMs)})`),
    ...(s.autoscaling?.keda ? ['consumers (KEDA Kafka scaler)'] : []),
  ];
  out.push(`  autoscaling: ${scalers.length ? scalers.join(', ') : 'none (static replicas)'}`);
  out.push(`  SLO: p99 < ${r.slo.p99Ms} ms`);
  const th = Object.entries(s.thresholds ?? {});
  out.push('', th.length ? 'thresholds:' : 'thresholds: none');
  for (const [metric, specs] of th)
    for (const spec of specs)
      out.push(
        `  ${metric}: ${typeof spec === 'string' ? spec : spec.threshold + (spec.abortOnFail ? ' (abortOnFail)' : '')}`,
      );
  return `${out.join('\n')}\n`;
}

/** the human-readable plan `validate` prints */
export function formatPlan(s: Scenario, plan: ScenarioPlan): string {
  const out: string[] = [];
  out.push(`scenario ${s.name} is valid${s.file ? ` (${s.file})` : ''}`);
  if (s.description) out.push(`  ${s.description}`);
  out.push(`  seed: ${s.seed}`, `  warm-up: ${s.warmup} (excluded from figures and thresholds)`);
  out.push(`  target: ${s.target.type}`);
  const svc = Object.entries(s.services);
  if (svc.length) out.push(`  services: ${svc.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  out.push('', `executors (${plan.executors.length}):`);
  for (const p of plan.executors) {
    out.push(`  ${p.name}: ${p.type} (${p.model} model)`);
    out.push(
      `    starts at ${fmtMs(p.startMs)}, runs ${fmtMs(p.durationMs)}, graceful stop ${fmtMs(p.gracefulStopMs)}`,
    );
    out.push(
      `    expected iterations: ${
        p.expectedIterations === undefined
          ? 'depends on the target (closed model)'
          : Math.round(p.expectedIterations).toLocaleString('en-US')
      }`,
    );
    out.push(`    max VUs: ${p.maxVUs}`);
  }
  const expected = plan.executors.every((p) => p.expectedIterations !== undefined)
    ? `, ${Math.round(plan.executors.reduce((a, p) => a + (p.expectedIterations ?? 0), 0)).toLocaleString('en-US')}` +
      ` iterations expected`
    : '';
  out.push('', `total: ${fmtMs(plan.totalMs)} scheduled (at most ${fmtMs(plan.maxMs)} with graceful stops)${expected}`);
  const th = Object.entries(s.thresholds);
  out.push('', th.length ? 'thresholds:' : 'thresholds: none');
  for (const [metric, specs] of th) {
    for (const spec of specs) {
      if (typeof spec === 'string') out.push(`  ${metric}: ${spec}`);
      else
        out.push(
          `  ${metric}: ` +
            `${spec.threshold}` +
            `${spec.abortOnFail ? ` (abortOnFail${spec.delayAbortEval ? `, after ${spec.delayAbortEval}` : ''})` : ''}`,
        );
    }
  }
  return `${out.join('\n')}\n`;
}
