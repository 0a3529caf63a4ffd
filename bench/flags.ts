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
 * Runs this bench again under the `pipelab` command's collector settings (bin/pipelab.js) unless it already runs
 * so, and exits with that run's status: the young generation `--semi-space MB` (128; 0 for V8's default) by
 * NODE_OPTIONS, since V8 sizes it when the isolate starts (child processes get it too), and with `noPretenuring`
 * V8's allocation-site pretenuring off on the command line (NODE_OPTIONS takes no such flag; child processors get it
 * from children.ts childNodeFlags). Returns the semi-space flag the process runs under, undefined for V8's default.
 */
export function pipelabCollector(o: { noPretenuring: boolean }): string | undefined {
  const mb = numberFlag('--semi-space', 128, { int: true, min: 0, example: 128 });
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(' ')].find((a) =>
    a.startsWith('--max-semi-space-size'),
  );
  const young = mb > 0 && !given ? ` --max-semi-space-size=${mb}` : '';
  const off = o.noPretenuring && !process.execArgv.includes(NO_PRETENURING) ? [NO_PRETENURING] : [];
  if (young || off.length) {
    const NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''}${young}`.trim();
    const args = [...process.execArgv, ...off, ...process.argv.slice(1)];
    process.exit(
      spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, NODE_OPTIONS } }).status ?? 1,
    );
  }
  return given;
}
const NO_PRETENURING = '--no-allocation-site-pretenuring';
