/**
 * Number flags of the benches, read with the one parser every pipelab command uses
 * (harness/cli/numbers.ts): a bad value prints what the command would (`error: invalid --seconds:
 * expected a number ≥ 1, got '2s'` and a hint) and exits 104 before anything runs. A bench used to
 * take `Number(value)` as it came, so `--seconds 2s` ran with NaN and `--rates 1000,` with a rate of 0.
 */
import './help.ts';
import { spawnSync } from 'node:child_process';
import { isPipelabError } from '../errors.ts';
import { type NumberRule, parseNumberFlag } from '../harness/cli/numbers.ts';

/** the value after a flag ('' when the flag is last), undefined when the flag is absent */
export function flagValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? (process.argv[i + 1] ?? '') : undefined;
}

function orExit<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (!isPipelabError(e)) throw e;
    console.error(e.format());
    process.exit(e.exitCode);
  }
}

/** a flag's number, `dflt` when it is absent (`value`: the flag's text when it is not read from argv) */
export function numberFlag(flag: string, dflt: number, rule: NumberRule, value = flagValue(flag)): number {
  return value === undefined ? dflt : orExit(() => parseNumberFlag(flag, value, rule));
}

/** a flag's number, undefined when it is absent */
export function optionalNumberFlag(flag: string, rule: NumberRule): number | undefined {
  const value = flagValue(flag);
  return value === undefined ? undefined : orExit(() => parseNumberFlag(flag, value, rule));
}

/** a flag's comma-separated numbers (`--rates 1000,5000`), `dflt` when it is absent; every item checked */
export function numberListFlag(flag: string, dflt: string, rule: NumberRule, value = flagValue(flag)): number[] {
  return orExit(() => (value ?? dflt).split(',').map((v) => parseNumberFlag(flag, v, rule)));
}

/**
 * The young generation a bench runs with: `--semi-space MB`, 128 as the `pipelab` command runs
 * (bin/pipelab.js), 0 for V8's default. V8 sizes it when the isolate starts, so a process started
 * without the flag runs itself again with it in NODE_OPTIONS (child processes get it too) and exits
 * with that run's status. Returns the flag the process runs under, undefined for V8's default.
 * (bench/pipeline.ts re-runs itself its own way, pipelab's pretenuring flag too.)
 */
export function semiSpaceFlag(): string | undefined {
  const mb = numberFlag('--semi-space', 128, { int: true, min: 0, example: 128 });
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(' ')].find((a) =>
    a.startsWith('--max-semi-space-size'),
  );
  if (mb > 0 && !given) {
    const NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --max-semi-space-size=${mb}`.trim();
    const args = [...process.execArgv, ...process.argv.slice(1)];
    process.exit(
      spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, NODE_OPTIONS } }).status ?? 1,
    );
  }
  return given;
}
