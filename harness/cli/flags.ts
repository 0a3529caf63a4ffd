/**
 * Parsing of the run flags shared by `pipelab run` and `pipelab validate`. Every bad value throws
 * a PipelabError naming the flag and the accepted form; all problems are reported at once.
 */
import { Option, type Command } from 'commander';
import { PipelabError } from '../../errors.ts';
import type { Issue } from '../../errors.ts';
import { RESOLUTION_ORDER } from '../services/types.ts';
import type { ScenarioOverrides } from '../runner/api.ts';
import { tryParseDuration } from '../../results/duration.ts';
import { addKafkaClientFlags, type KafkaClientFlags, kafkaClientOverrides } from './security-flags.ts';

export interface RunFlags extends KafkaClientFlags {
  seed?: string;
  duration?: string;
  rate?: string;
  executionSegment?: string;
  executionSegmentSequence?: string;
  kafka?: string;
  redis?: string;
  modelServer?: string;
  kafkaMode?: string;
  redisMode?: string;
  modelServerMode?: string;
  schemaRegistry?: string;
}

/**
 * The service flags of `run` and `validate` (DESIGN.md "Service modes"): an address makes the
 * service external; a mode forces one step of external → container → local → embedded.
 */
export const SERVICE_FLAGS = [
  {
    key: 'kafka',
    flag: '--kafka',
    env: 'PIPELAB_KAFKA',
    arg: '<bootstrap>',
    what: 'use this Kafka cluster (host:port[,host:port]) instead of the embedded broker',
    example: 'bootstrap servers, e.g. --kafka localhost:9092',
  },
  {
    key: 'redis',
    flag: '--redis',
    env: 'PIPELAB_REDIS',
    arg: '<url>',
    what: 'use this Redis (redis://host:port) instead of the embedded feature store',
    example: 'a Redis URL, e.g. --redis redis://127.0.0.1:6379',
  },
  {
    key: 'modelServer',
    flag: '--model-server',
    env: 'PIPELAB_MODEL_SERVER',
    arg: '<url>',
    what: 'use this model server (http://host:port) instead of the in-process one',
    example: 'a URL, e.g. --model-server http://127.0.0.1:8500',
  },
  {
    key: 'schemaRegistry',
    flag: '--schema-registry',
    env: 'PIPELAB_SCHEMA_REGISTRY',
    arg: '<url>',
    what: "the schema registry of the kafka target's avro-confluent format (default: the embedded broker's)",
    example: 'a URL, e.g. --schema-registry http://127.0.0.1:8081',
  },
  {
    key: 'kafkaMode',
    flag: '--kafka-mode',
    env: 'PIPELAB_KAFKA_MODE',
    arg: '<mode>',
    what: `force how Kafka resolves: ${RESOLUTION_ORDER.join('|')}`,
    example: `one of ${RESOLUTION_ORDER.join(', ')}`,
  },
  {
    key: 'redisMode',
    flag: '--redis-mode',
    env: 'PIPELAB_REDIS_MODE',
    arg: '<mode>',
    what: `force how Redis resolves: ${RESOLUTION_ORDER.join('|')}`,
    example: `one of ${RESOLUTION_ORDER.join(', ')}`,
  },
  {
    key: 'modelServerMode',
    flag: '--model-server-mode',
    env: 'PIPELAB_MODEL_SERVER_MODE',
    arg: '<mode>',
    what: `force how the model server resolves: ${RESOLUTION_ORDER.join('|')}`,
    example: `one of ${RESOLUTION_ORDER.join(', ')}`,
  },
] as const;

/** adds the service flags (each also read from its PIPELAB_* environment variable) */
export function addServiceOptions(cmd: Command): Command {
  for (const f of SERVICE_FLAGS) cmd.addOption(new Option(`${f.flag} ${f.arg}`, f.what).env(f.env));
  return addKafkaClientFlags(cmd);
}

/** turns raw flag strings into ScenarioOverrides, or throws one PipelabError listing every bad flag */
export function parseOverrides(flags: RunFlags): ScenarioOverrides {
  const issues: Issue[] = [];
  const o: ScenarioOverrides = {};
  if (flags.seed !== undefined) {
    const s = flags.seed.trim();
    if (s === '') issues.push({ path: '--seed', message: 'expected an integer ≥ 0 or a word, e.g. --seed 42' });
    else if (/^-?\d+(\.\d+)?$/.test(s)) {
      const n = Number(s);
      if (!Number.isSafeInteger(n) || n < 0)
        issues.push({ path: '--seed', message: `${JSON.stringify(flags.seed)} is not an integer ≥ 0, e.g. --seed 42` });
      else o.seed = n;
    } else o.seed = s;
  }
  if (flags.duration !== undefined) {
    const ms = tryParseDuration(flags.duration);
    if (ms === undefined || ms <= 0)
      issues.push({
        path: '--duration',
        message:
          `${JSON.stringify(flags.duration)} is not a positive duration: use <number><unit> with ` +
          `units ms, s, m, h, e.g. --duration 30s or 1m30s`,
      });
    else o.duration = flags.duration.trim();
  }
  if (flags.rate !== undefined) {
    const r = Number(flags.rate);
    if (flags.rate.trim() === '' || !Number.isFinite(r) || r <= 0)
      issues.push({
        path: '--rate',
        message: `${JSON.stringify(flags.rate)} is not a positive number of iterations per second, e.g. --rate 500`,
      });
    else o.rate = r;
  }
  // checked when applied (ExecutionSegment names the flag and the fix)
  if (flags.executionSegment !== undefined) o.executionSegment = flags.executionSegment;
  if (flags.executionSegmentSequence !== undefined) o.executionSegmentSequence = flags.executionSegmentSequence;
  const services: Record<string, string> = {};
  for (const f of SERVICE_FLAGS) {
    const v = flags[f.key]?.trim();
    if (v === undefined) continue;
    const isMode = f.key.endsWith('Mode');
    if (v === '' || (isMode && !(RESOLUTION_ORDER as readonly string[]).includes(v))) {
      issues.push({
        path: f.flag,
        message: `${JSON.stringify(flags[f.key])}: expected ${f.example} (set by the flag or by ${f.env})`,
      });
    } else services[f.flag.slice(2)] = v;
  }
  Object.assign(services, kafkaClientOverrides(flags));
  if (Object.keys(services).length) o.services = services;
  if (issues.length) {
    throw new PipelabError(
      'INVALID_ARGUMENT',
      issues.length === 1 ? `invalid flag ${issues[0]!.path}` : `${issues.length} invalid flags`,
      {
        issues,
        hint: 'run `pipelab run --help` for the accepted forms',
      },
    );
  }
  return o;
}
