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
  const out: Writable = f.out ? createWriteStream(prepareOutputFile('--out', f.out)) : stdout;
  if (f.out) await once(out, 'open');
  // a closed pipe (`| head`) ends the run quietly
  let closed = false;
  out.on('error', (e) => {
    if (isEpipe(e)) closed = true;
  });
  const write = async (chunk: string): Promise<void> => {
    try {
      if (!out.write(chunk)) await once(out, 'drain');
    } catch (e) {
      if (!isEpipe(e)) throw e;
      closed = true;
    }
  };
  if (format === 'json') {
    let buf = '';
    for (let i = 0; i < count && !closed; i++) {
      buf += `${gen.toJson(stream.next())}\n`;
      if (buf.length >= 1 << 16) {
        await write(buf);
        buf = '';
      }
    }
    if (buf && !closed) await write(buf);
  } else {
    const enc = new avro.streams.BlockEncoder(gen.avroType, { codec, syncMarker: avroSyncMarker(stream.seed) });
    enc.on('data', (chunk: Buffer) => {
      if (!closed && !out.write(chunk)) enc.pause();
    });
    out.on('drain', () => enc.resume());
    try {
      for (let i = 0; i < count && !closed; i++) {
        if (!enc.write(stream.next())) await once(enc, 'drain');
      }
      enc.end();
      await once(enc, 'end');
    } catch (e) {
      if (!isEpipe(e)) throw e;
    }
  }
  if (f.out) {
    out.end();
    await once(out, 'finish');
    process.stderr.write(`wrote ${count} ${name} events (${format}) to ${f.out}\n`);
  }
  return 0;
}

export function register(program: Command): void {
  const list = Object.values(GENERATORS)
    .map((g) => `  ${g.name.padEnd(14)} ${g.description}`)
    .join('\n');
  program
    .command('generate')
    .description('write seeded synthetic events (same seed and flags → the same bytes)')
    .argument('<generator>', `one of: ${generatorNames().join(', ')}`)
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
    .addHelpText(
      'after',
      `\nGenerators:\n${list}\n\nArrival kinds for --config: ${ARRIVAL_KINDS.join(', ')}.\n\nExamples:\n  ` +
        `pipelab generate transactions -n 5 --seed 7\n  pipelab generate transactions -n 100000 -f avro ` +
        `-o tx.avro --fraud-rate 0.02\n  pipelab generate user-events -n 1000 --config ` +
        `'{"drifts":[{"param":"deviceWeights","value":{"mobile":90},"onset":500}]}'\n  See docs/generators.md.\n`,
    )
    .action(async (name: string, flags: Flags) => {
      process.exitCode = await generate(name, flags);
    });
}
