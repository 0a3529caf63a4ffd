/**
 * `pipelab generate <generator>`: write seeded events as JSON lines or an Avro object container
 * file, to stdout or --out. Same flags + seed → the same bytes.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Command } from 'commander';
import avro from 'avsc';
import { PipelabError, type Issue } from '../../../errors.ts';
import { GENERATORS, generatorNames, getGenerator } from '../../../generators/registry.ts';
import { ARRIVAL_KINDS } from '../../../generators/arrivals.ts';
import { avroSyncMarker } from '../../../generators/serialize.ts';
import { parseNumberFlag } from '../numbers.ts';
import { prepareOutputFile } from '../output.ts';
import { loadSpecFile } from '../spec-file.ts';

const FORMATS = ['json', 'avro'] as const;
const CODECS = ['null', 'deflate'] as const;

interface Flags {
  count: string;
  format: string;
  seed?: string;
  out?: string;
  fraudRate?: string;
  zipf?: string;
  users?: string;
  rate?: string;
  arrivals?: string;
  start?: string;
  config?: string;
  codec: string;
  spec?: string;
  truth?: string;
}

/** config path → the flag that set it, so validation errors name what the user typed */
const FLAG_OF: Record<string, string> = {
  '/seed': '--seed',
  '/fraudRate': '--fraud-rate',
  '/users/zipf': '--zipf',
  '/users/count': '--users',
  '/arrivals/rate': '--rate',
  '/arrivals/kind': '--arrivals',
  '/startMs': '--start',
};

function invalid(flag: string, message: string, hint?: string): PipelabError {
  return new PipelabError('INVALID_ARGUMENT', `invalid ${flag}: ${message}`, {
    issues: [{ path: flag, message }],
    ...(hint ? { hint } : {}),
  });
}

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v))
    throw invalid(flag, `'${v}' is not one of: ${allowed.join(', ')}`, `use ${flag} ${allowed.join('|')}`);
  return v as T;
}

/** --config '{"…"}' or --config @file.json */
function readConfig(v: string): Record<string, unknown> {
  let text = v;
  if (v.startsWith('@')) {
    try {
      text = readFileSync(v.slice(1), 'utf8');
    } catch (e) {
      throw new PipelabError('INVALID_INPUT_FILE', `cannot read --config file ${v.slice(1)}`, {
        cause: e,
        hint: 'give a path to a JSON file after @',
      });
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw invalid(
      '--config',
      `not valid JSON (${(e as Error).message})`,
      'pass a JSON object, e.g. --config \'{"drifts":[…]}\' or --config @file.json',
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw invalid('--config', 'expected a JSON object');
  return parsed as Record<string, unknown>;
}

/** build the generator config from the flags (flags override --config) */
export function configFromFlags(name: string, f: Flags): Record<string, unknown> {
  const cfg: Record<string, unknown> = f.config ? readConfig(f.config) : {};
  if (f.seed !== undefined)
    cfg.seed = /^\d+$/.test(f.seed) ? parseNumberFlag('--seed', f.seed, { int: true, min: 0 }) : f.seed;
  if (f.fraudRate !== undefined) {
    if (name !== 'transactions')
      throw invalid('--fraud-rate', `applies to the transactions generator only, not '${name}'`);
    cfg.fraudRate = parseNumberFlag('--fraud-rate', f.fraudRate, { min: 0, max: 0.5, example: 0.02 });
  }
  if (f.zipf !== undefined || f.users !== undefined) {
    const users = { ...((cfg.users as object | undefined) ?? {}) } as Record<string, unknown>;
    if (f.zipf !== undefined) users.zipf = parseNumberFlag('--zipf', f.zipf, { min: 0, max: 10, example: 1.1 });
    if (f.users !== undefined)
      users.count = parseNumberFlag('--users', f.users, { int: true, min: 1, max: 10_000_000, example: 10000 });
    cfg.users = users;
  }
  if (f.arrivals !== undefined || f.rate !== undefined) {
    const kind =
      f.arrivals === undefined ? 'poisson' : oneOf('--arrivals', f.arrivals, ['constant', 'poisson'] as const);
    cfg.arrivals = {
      kind,
      rate: f.rate === undefined ? 1000 : parseNumberFlag('--rate', f.rate, { positive: true, example: 1000 }),
    };
  }
  if (f.start !== undefined) {
    const ms = /^\d+$/.test(f.start) ? Number(f.start) : Date.parse(f.start);
    if (!Number.isFinite(ms)) throw invalid('--start', `expected epoch ms or an ISO date, got '${f.start}'`);
    cfg.startMs = ms;
  }
  return cfg;
}

const isEpipe = (e: unknown): boolean => (e as NodeJS.ErrnoException)?.code === 'EPIPE';

export async function generate(name: string, f: Flags, stdout: Writable = process.stdout): Promise<number> {
  const gen = getGenerator(name);
  if (f.truth !== undefined) throw invalid('--truth', 'applies to --spec only (built-in generators keep no disorder)');
  const count = parseNumberFlag('--count', f.count, { int: true, min: 0, example: 1000 });
  const format = oneOf('--format', f.format, FORMATS);
  const codec = oneOf('--codec', f.codec, CODECS);
  const config = configFromFlags(name, f);
  const given: Record<string, boolean> = {
    '--seed': f.seed !== undefined,
    '--fraud-rate': f.fraudRate !== undefined,
    '--zipf': f.zipf !== undefined,
    '--users': f.users !== undefined,
    '--rate': f.rate !== undefined,
    '--arrivals': f.arrivals !== undefined,
    '--start': f.start !== undefined,
  };
  const flagOf = (path: string): string => {
    const flag = FLAG_OF[path];
    return flag && given[flag] ? flag : `--config ${path}`;
  };
  let stream: ReturnType<typeof gen.create>;
  try {
    stream = gen.create(config);
  } catch (e) {
    if (e instanceof PipelabError && e.code === 'INVALID_ARGUMENT') {
      const issues: Issue[] = e.issues.map((i) => ({ ...i, path: flagOf(i.path) }));
      throw new PipelabError('INVALID_ARGUMENT', `invalid options for generator '${name}'`, {
        issues,
        hint: 'see pipelab generate --help and docs/generators.md',
        cause: e,
      });
    }
    throw e;
  }
  const out = await openOutput(f.out, stdout);
  if (format === 'json') {
    let buf = '';
    for (let i = 0; i < count && !out.closed; i++) {
      buf += `${gen.toJson(stream.next())}\n`;
      if (buf.length >= 1 << 16) {
        await out.write(buf);
        buf = '';
      }
    }
    if (buf && !out.closed) await out.write(buf);
  } else {
    const enc = new avro.streams.BlockEncoder(gen.avroType, { codec, syncMarker: avroSyncMarker(stream.seed) });
    enc.on('data', (chunk: Buffer) => {
      if (!out.closed && !out.stream.write(chunk)) enc.pause();
    });
    out.stream.on('drain', () => enc.resume());
    try {
      for (let i = 0; i < count && !out.closed; i++) {
        if (!enc.write(stream.next())) await once(enc, 'drain');
      }
      enc.end();
      await once(enc, 'end');
    } catch (e) {
      if (!isEpipe(e)) throw e;
    }
  }
  await out.end();
  if (f.out) process.stderr.write(`wrote ${count} ${name} events (${format}) to ${f.out}\n`);
  return 0;
}

interface Output {
  stream: Writable;
  /** a closed pipe (`| head`) ends the run quietly */
  readonly closed: boolean;
  write(chunk: string): Promise<void>;
  end(): Promise<void>;
}

/** stdout, or the file of a flag (checked first); writes wait for drain, EPIPE ends quietly */
async function openOutput(file: string | undefined, stdout: Writable, flag = '--out'): Promise<Output> {
  const stream: Writable = file ? createWriteStream(prepareOutputFile(flag, file)) : stdout;
  if (file) await once(stream, 'open');
  const o = {
    stream,
    closed: false,
    async write(chunk: string): Promise<void> {
      try {
        if (!stream.write(chunk)) await once(stream, 'drain');
      } catch (e) {
        if (!isEpipe(e)) throw e;
        o.closed = true;
      }
    },
    async end(): Promise<void> {
      if (!file) return;
      stream.end();
      await once(stream, 'finish');
    },
  };
  stream.on('error', (e) => {
    if (isEpipe(e)) o.closed = true;
  });
  return o;
}

/** flags of the built-in generators that mean nothing to a spec */
const BUILTIN_ONLY = [
  ['fraudRate', '--fraud-rate'],
  ['zipf', '--zipf'],
  ['users', '--users'],
  ['config', '--config'],
] as const;

const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

/** `pipelab generate --spec FILE`: the user's events as JSON lines, with their ground truth */
export async function generateSpec(
  name: string | undefined,
  f: Flags,
  stdout: Writable = process.stdout,
): Promise<number> {
  const file = f.spec!;
  if (name !== undefined)
    throw invalid('--spec', `give a generator name or --spec, not both (got '${name}' and --spec ${file})`);
  for (const [key, flag] of BUILTIN_ONLY)
    if (f[key] !== undefined) throw invalid(flag, 'applies to the built-in generators, not to --spec');
  if (f.format !== 'json')
    throw invalid('--format', `a --spec writes JSON lines, not '${f.format}'`, 'drop --format (or use --format json)');
  const count = parseNumberFlag('--count', f.count, { int: true, min: 0, example: 1000 });
  const cfg = configFromFlags('spec', { ...f, config: undefined });
  const compiled = await loadSpecFile(file);
  const stream = compiled.create({
    ...(cfg.seed === undefined ? {} : { seed: cfg.seed as number | string }),
    ...(cfg.startMs === undefined ? {} : { startMs: cfg.startMs as number }),
    ...(cfg.arrivals === undefined ? {} : { arrivals: cfg.arrivals as { kind: 'poisson'; rate: number } }),
  });
  const out = await openOutput(f.out, stdout);
  const truth = f.truth ? await openOutput(f.truth, stdout, '--truth') : undefined;
  let buf = '',
    tb = '';
  for (let i = 0; i < count && !out.closed; i++) {
    buf += `${stream.toJson(stream.next())}\n`;
    if (truth) tb += `${JSON.stringify(stream.last)}\n`;
    if (buf.length >= 1 << 16) {
      await out.write(buf);
      buf = '';
      if (truth) await truth.write(tb);
      tb = '';
    }
  }
  if (buf && !out.closed) await out.write(buf);
  if (truth && tb) await truth.write(tb);
  await out.end();
  await truth?.end();
  const t = stream.truth();
  if (f.out) process.stderr.write(`wrote ${t.events} events of ${file} (json) to ${f.out}\n`);
  if (t.late || t.duplicates)
    process.stderr.write(
      `ground truth: ${t.late} late (mean lag ${secs(t.meanLagMs)}, max ${secs(t.maxLagMs)}), ` +
        `${t.outOfOrder} out of order, ${t.duplicates} duplicates${f.truth ? ` (per event: ${f.truth})` : ''}\n`,
    );
  return 0;
}

export function register(program: Command): void {
  const list = Object.values(GENERATORS)
    .map((g) => `  ${g.name.padEnd(14)} ${g.description}`)
    .join('\n');
  program
    .command('generate')
    .description('write seeded synthetic events (same seed and flags → the same bytes)')
    .argument('[generator]', `one of: ${generatorNames().join(', ')} (or --spec FILE)`)
    .option('-n, --count <n>', 'number of events', '10')
    .option('-f, --format <format>', `${FORMATS.join(' | ')} (JSON lines, or an Avro object container file)`, 'json')
    .option('-s, --seed <seed>', 'seed: an integer or any string (default 1)')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .option('--fraud-rate <x>', 'transactions: labelled fraud fraction, 0–0.5 (default 0.01)')
    .option('--zipf <s>', 'Zipf exponent of user activity, ≥ 0 (default 1.1; 0 = uniform)')
    .option('--users <n>', 'user population size (default 100000)')
    .option('--rate <r>', 'arrival rate in events/s for event times (default 1000)')
    .option('--arrivals <kind>', 'constant | poisson (others via --config)')
    .option('--start <time>', 'time of the first event: epoch ms or ISO date (default 2026-01-01T00:00:00Z)')
    .option('--config <json>', 'full generator config as JSON or @file.json (drifts, params, arrivals), flags win')
    .option('--codec <codec>', `avro block codec: ${CODECS.join(' | ')}`, 'null')
    .option(
      '--spec <file>',
      'your own events: an event spec (.json, or .ts/.js exporting one); see docs/event-specs.md',
    )
    .option('--truth <file>', "with --spec: each event's ground truth as JSON lines (lag, out of order, duplicate)")
    .addHelpText(
      'after',
      `\nGenerators:\n${list}\n\nArrival kinds for --config: ${ARRIVAL_KINDS.join(', ')}.\n\nExamples:\n  ` +
        `pipelab generate transactions -n 5 --seed 7\n  pipelab generate transactions -n 100000 -f avro ` +
        `-o tx.avro --fraud-rate 0.02\n  pipelab generate user-events -n 1000 --config ` +
        `'{"drifts":[{"param":"deviceWeights","value":{"mobile":90},"onset":500}]}'\n  ` +
        `pipelab generate --spec scenarios/specs/shop.json -n 1000 --truth truth.jsonl\n  ` +
        `See docs/generators.md and docs/event-specs.md.\n`,
    )
    .action(async (name: string | undefined, flags: Flags) => {
      if (flags.spec !== undefined) process.exitCode = await generateSpec(name, flags);
      else if (name === undefined)
        throw invalid('<generator>', `give a generator (${generatorNames().join(', ')}) or --spec FILE`);
      else process.exitCode = await generate(name, flags);
    });
}
