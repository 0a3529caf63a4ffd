/**
 * Package-wide error vocabulary, at the root because every layer (generators, pipeline, harness)
 * imports it and DESIGN.md's import direction (harness → pipeline → generators) allows that only
 * for a leaf below all three. No I/O here.
 *
 * User-facing errors: a stable `code`, a `hint` that says how to fix it, and the `cause`.
 * The CLI prints `message` and `hint` (never a stack) and maps `code` to an exit code through
 * EXIT_CODES, the one table of process exit codes (k6-compatible where k6 has one).
 */
export const EXIT_CODES = {
  OK: 0,
  /** some threshold failed at the end of the run (k6: ThresholdsHaveFailed) */
  THRESHOLDS_FAILED: 99,
  /** a threshold with abortOnFail stopped the run (k6's code for ThresholdsHaveFailed with abortOnFail) */
  ABORTED_BY_THRESHOLD: 108,
  /** the user stopped the run (Ctrl-C); the report is still written (k6 uses 105 for external abort) */
  ABORTED_BY_USER: 105,
  /** invalid scenario, flag or input file: nothing was run (k6 uses 104 for invalid config) */
  INVALID_INPUT: 104,
  /** a service (broker, Redis, container engine, model server) could not be reached or started */
  SERVICE_UNAVAILABLE: 106,
  /** the run finished but its books did not close (the target's teardown failed; k6: 107, a script exception) */
  INCOMPLETE: 107,
  /** a bug in pipelab itself */
  INTERNAL: 1,
} as const;

export type ErrorCode =
  | 'INVALID_SCENARIO'
  | 'INVALID_ARGUMENT'
  | 'INVALID_INPUT_FILE'
  | 'UNKNOWN_GENERATOR'
  | 'UNKNOWN_EXECUTOR'
  | 'UNKNOWN_TARGET'
  | 'UNKNOWN_COMMAND'
  | 'SCENARIO_NOT_FOUND'
  | 'THRESHOLD_SYNTAX'
  | 'SERVICE_UNAVAILABLE'
  | 'CONTAINER_RUNTIME_MISSING'
  /** the scenario cannot be exported to that format (e.g. a non-http target to k6) */
  | 'UNSUPPORTED_EXPORT'
  /** a feature needs an optional peer dependency (TensorFlow.js, testcontainers) that is not installed */
  | 'OPTIONAL_DEPENDENCY_MISSING';

const EXIT_BY_CODE: Record<ErrorCode, number> = {
  INVALID_SCENARIO: EXIT_CODES.INVALID_INPUT,
  INVALID_ARGUMENT: EXIT_CODES.INVALID_INPUT,
  INVALID_INPUT_FILE: EXIT_CODES.INVALID_INPUT,
  UNKNOWN_GENERATOR: EXIT_CODES.INVALID_INPUT,
  UNKNOWN_EXECUTOR: EXIT_CODES.INVALID_INPUT,
  UNKNOWN_TARGET: EXIT_CODES.INVALID_INPUT,
  UNKNOWN_COMMAND: EXIT_CODES.INVALID_INPUT,
  SCENARIO_NOT_FOUND: EXIT_CODES.INVALID_INPUT,
  THRESHOLD_SYNTAX: EXIT_CODES.INVALID_INPUT,
  SERVICE_UNAVAILABLE: EXIT_CODES.SERVICE_UNAVAILABLE,
  CONTAINER_RUNTIME_MISSING: EXIT_CODES.SERVICE_UNAVAILABLE,
  UNSUPPORTED_EXPORT: EXIT_CODES.INVALID_INPUT,
  OPTIONAL_DEPENDENCY_MISSING: EXIT_CODES.INVALID_INPUT,
};

/** One problem found while validating input, with the path where it was found. */
export interface Issue {
  /** JSON-pointer-like path, e.g. `/executors/0/rate` */
  path: string;
  message: string;
}

export class PipelabError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  /** every problem found (validation reports all of them, not just the first) */
  readonly issues: Issue[];

  constructor(code: ErrorCode, message: string, opts: { hint?: string; cause?: unknown; issues?: Issue[] } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'PipelabError';
    this.code = code;
    this.hint = opts.hint;
    this.issues = opts.issues ?? [];
  }

  get exitCode(): number {
    return EXIT_BY_CODE[this.code];
  }

  /** the text the CLI prints: message, each issue on its own line, then the hint */
  format(): string {
    const lines = [`error: ${this.message}`];
    for (const i of this.issues) lines.push(`  ${i.path || '/'}: ${i.message}`);
    if (this.hint) lines.push(`hint: ${this.hint}`);
    return lines.join('\n');
  }
}

export function isPipelabError(e: unknown): e is PipelabError {
  return e instanceof PipelabError;
}

/**
 * Loads an optional peer dependency (package.json peerDependenciesMeta: TensorFlow.js for the
 * reference model, testcontainers for container mode). Most installs leave them out, so source
 * never imports them statically: `load` is the caller's own `() => import('pkg')` (a literal
 * specifier, so bundlers and dependency-cruiser see it), and a package that is not installed, or
 * that fails to load, becomes a PipelabError naming the package and how to add it.
 */
export async function importOptional<T>(pkg: string, feature: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const missing =
      (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' || (e as { code?: string }).code === 'MODULE_NOT_FOUND';
    throw new PipelabError(
      'OPTIONAL_DEPENDENCY_MISSING',
      missing
        ? `${feature} needs ${pkg} (an optional peer dependency of pipelab), which is not installed`
        : `${feature} needs ${pkg} (an optional peer dependency of pipelab), which failed to load: ` +
            `${(e as Error).message}`,
      { hint: `npm install ${pkg}   (docs/install.md lists the optional parts and their versions)`, cause: e },
    );
  }
}
