/**
 * `pipelab` command line. Each subcommand lives in harness/cli/commands/<name>.ts and exports
 * `register(program)`; this file only wires them and maps errors to exit codes (EXIT_CODES):
 * user mistakes print a message and a hint, never a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_CODES, isPipelabError } from '../../errors.ts';
import { version } from '../../results/version.ts';
import { redactCliOutput } from './redact-output.ts';

// Subcommands (one line each; keep sorted).
const commands: Array<() => Promise<{ register(p: Command): void }>> = [
  () => import('./commands/broker.ts'),
  () => import('./commands/calibrate.ts'),
  () => import('./commands/capacity.ts'),
  () => import('./commands/compare.ts'),
  () => import('./commands/drift.ts'),
  () => import('./commands/export.ts'),
  () => import('./commands/forget.ts'),
  () => import('./commands/generate.ts'),
  () => import('./commands/merge.ts'),
  () => import('./commands/model.ts'),
  () => import('./commands/process.ts'),
  () => import('./commands/proxy.ts'),
  () => import('./commands/run.ts'),
  () => import('./commands/serve-model.ts'),
  () => import('./commands/sim.ts'),
  () => import('./commands/validate.ts'),
];

/**
 * `pipelab … | head`: once the reader has gone, a write to stdout fails with EPIPE, which Node
 * raises as an unhandled 'error' event (a stack trace). Like other Unix tools, stop quietly.
 */
function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(process.exitCode ?? EXIT_CODES.OK);
    });
}

export async function main(argv: string[]): Promise<number> {
  exitQuietlyOnClosedPipe();
  redactCliOutput(argv);
  const program = new Command('pipelab')
    .description('Test harness and notebook lab for real-time AI data pipelines')
    .version(version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const load of commands) (await load()).register(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT_CODES.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version arrive here too
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return EXIT_CODES.OK;
      return EXIT_CODES.INVALID_INPUT;
    }
    if (isPipelabError(e)) {
      process.stderr.write(`${e.format()}\n`);
      return e.exitCode;
    }
    process.stderr.write(`pipelab: internal error (a bug: please report it)\n${(e as Error)?.stack ?? e}\n`);
    return EXIT_CODES.INTERNAL;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
