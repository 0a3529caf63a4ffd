/**
 * `pipelab` command line. Each subcommand lives in harness/cli/commands/<name>.ts and exports
 * `register(program)`; this file only wires them and maps errors to exit codes (EXIT_CODES):
 * user mistakes print a message and a hint, never a stack trace.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_CODES, isPipelabError } from '../../errors.ts';
import { version } from '../../results/version.ts';
import { setUserModuleLoader } from '../scenario/typescript.ts';
import { redactCliOutput } from './redact-output.ts';

// Subcommands by name (one line each; keep sorted). `pipelab <name> …` loads only that module:
// each pulls in its own dependencies (the runner, the broker, the simulator), so loading all of
// them cost every invocation about a second; `pipelab --help` and unknown names load them all.
/** a command module, loaded on demand */
type LoadCommand = () => Promise<{ register(p: Command): void }>;

const commands: Record<string, LoadCommand> = {
  broker: () => import('./commands/broker.ts'),
  calibrate: () => import('./commands/calibrate.ts'),
  capacity: () => import('./commands/capacity.ts'),
  compare: () => import('./commands/compare.ts'),
  drift: () => import('./commands/drift.ts'),
  export: () => import('./commands/export.ts'),
  forget: () => import('./commands/forget.ts'),
  generate: () => import('./commands/generate.ts'),
  merge: () => import('./commands/merge.ts'),
  model: () => import('./commands/model.ts'),
  process: () => import('./commands/process.ts'),
  proxy: () => import('./commands/proxy.ts'),
  run: () => import('./commands/run.ts'),
  'serve-model': () => import('./commands/serve-model.ts'),
  sim: () => import('./commands/sim.ts'),
  validate: () => import('./commands/validate.ts'),
};

/** the modules to load for argv: the named command's alone, or all of them (root help, a typo) */
function commandsFor(argv: string[]): LoadCommand[] {
  const first = argv[0];
  if (first !== undefined && Object.hasOwn(commands, first)) return [commands[first]!];
  // `pipelab help run` prints run's help: load run
  if (first === 'help' && argv[1] !== undefined && Object.hasOwn(commands, argv[1])) return [commands[argv[1]]!];
  return Object.values(commands);
}

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

/**
 * Runs `pipelab <argv>`; returns the exit code. `userModuleLoader`: what to run before the first
 * user module is imported (bin/pipelab.js, from the prebuilt bundle: register the loader hooks;
 * see harness/scenario/typescript.ts).
 */
export async function main(argv: string[], userModuleLoader?: () => Promise<void>): Promise<number> {
  if (userModuleLoader) setUserModuleLoader(userModuleLoader);
  exitQuietlyOnClosedPipe();
  redactCliOutput(argv);
  const program = new Command('pipelab')
    .description('Test harness and notebook lab for real-time AI data pipelines')
    .version(version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const load of commandsFor(argv)) (await load()).register(program);
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
