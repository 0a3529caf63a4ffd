/**
 * Stream processors as child processes (`pipelab process`), for the pipeline target's
 * `processorMode: 'child'`: the processors then run on other cores than the load generator,
 * broker and model server, and a killed processor is a real SIGKILL, not a simulated one.
 */
import { spawn } from 'node:child_process';
import { shippedPath } from '../../../pipeline/paths.ts';
import { PipelabError } from '../../../errors.ts';
import type { KafkaClientSecurity } from '../../../pipeline/kafka-security.ts';
import { CHILD_SECURITY_ENV } from '../../services/kafka-security.ts';

const CLI = shippedPath(import.meta.url, 'bin/pipelab.js');

export interface ChildProcessor {
  pid: number;
  /** graceful: SIGTERM (windows flushed, offsets committed), SIGKILL after `graceMs` */
  stop(graceMs?: number): Promise<void>;
  /** a crash: SIGKILL, nothing committed or flushed */
  kill(): Promise<void>;
  /** any other signal (SIGSTOP, SIGCONT for a pause) */
  signal(sig: NodeJS.Signals): void;
}

export interface ChildProcessorOptions {
  brokers: string[];
  /** handed over in the child's environment (readable by this user only, unlike argv in ps) */
  security?: KafkaClientSecurity;
  modelServerUrl: string;
  /** Redis URL; undefined = the child keeps its own in-memory feature store */
  redisUrl?: string;
  group: string;
  compression: string;
  guarantee?: string;
  sessionTimeoutMs?: number;
  startTimeoutMs?: number;
  /** window size and allowed lateness (--window, --allowed-lateness), and the user-behaviour step */
  window?: string;
  allowedLateness?: string;
  /** --checkpoint-interval */
  checkpointInterval?: string;
  userEvents?: boolean;
  /** --fetch-min-bytes, --fetch-max-wait, --max-in-flight (unset: the processor's defaults) */
  fetchMinBytes?: number;
  fetchMaxWaitMs?: number;
  maxInFlight?: number;
  /** PII encryption: the key file (else the child reads PIPELAB_PII_KEY like this process), audit records */
  pii?: { keyFile?: string | undefined; audit: boolean } | undefined;
}

/**
 * the node flags of this process (`execArgv`) a child processor starts with: the collector's settings bin/pipelab.js
 * runs the pipeline with, the young generation's size (--max-semi-space-size) and V8's allocation-site pretenuring
 * off (--no-allocation-site-pretenuring; docs/pipeline.md, "Pretenuring")
 */
export function childNodeFlags(execArgv: readonly string[]): string[] {
  return execArgv.filter((a) => a.startsWith('--max-semi-space-size') || a === '--no-allocation-site-pretenuring');
}

/** the `pipelab process` argv (after the CLI's path) a child is started with */
export function childProcessArgs(o: ChildProcessorOptions): string[] {
  const args = [
    'process',
    '--kafka',
    o.brokers.join(','),
    '--model-server',
    o.modelServerUrl,
    '--group',
    o.group,
    '--compression',
    o.compression,
    '--stats',
    '0',
  ];
  if (o.guarantee) args.push('--guarantee', o.guarantee);
  if (o.sessionTimeoutMs !== undefined) args.push('--session-timeout', String(o.sessionTimeoutMs));
  if (o.window !== undefined) args.push('--window', o.window);
  if (o.allowedLateness !== undefined) args.push('--allowed-lateness', o.allowedLateness);
  if (o.checkpointInterval !== undefined) args.push('--checkpoint-interval', o.checkpointInterval);
  if (o.userEvents) args.push('--user-events');
  if (o.fetchMinBytes !== undefined) args.push('--fetch-min-bytes', String(o.fetchMinBytes));
  if (o.fetchMaxWaitMs !== undefined) args.push('--fetch-max-wait', String(o.fetchMaxWaitMs));
  if (o.maxInFlight !== undefined) args.push('--max-in-flight', String(o.maxInFlight));
  if (!o.redisUrl) args.push('--redis-mode', 'embedded');
  if (o.pii?.keyFile) args.push('--pii-key-file', o.pii.keyFile);
  args.push(o.pii?.audit ? '--audit' : '--no-audit');
  return args;
}

export async function startChildProcessor(o: ChildProcessorOptions): Promise<ChildProcessor> {
  const args = [CLI, ...childProcessArgs(o)];
  const env = { ...process.env };
  for (const k of [
    'PIPELAB_KAFKA',
    'PIPELAB_KAFKA_MODE',
    'PIPELAB_REDIS',
    'PIPELAB_REDIS_MODE',
    'PIPELAB_MODEL_SERVER',
    'PIPELAB_MODEL_SERVER_MODE',
  ])
    delete env[k];
  if (o.security) env[CHILD_SECURITY_ENV] = JSON.stringify(o.security);
  // by environment, not argv: a Redis password on a command line is readable by every user of the machine (ps)
  if (o.redisUrl) env.PIPELAB_REDIS = o.redisUrl;
  // PII is on in a child exactly when the target's pii option is
  if (!o.pii) for (const k of ['PIPELAB_PII_KEY', 'PIPELAB_PII_KEY_FILE']) delete env[k];
  // the collector's settings the CLI runs with (bin/pipelab.js), for the same reasons
  const child = spawn(process.execPath, [...childNodeFlags(process.execArgv), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let out = '';
  const ready = await new Promise<boolean>((resolve) => {
    // a child compiles the CLI through tsx and loads both Kafka clients: over 30 s on two cores shared by six agents
    const timer = setTimeout(() => resolve(false), o.startTimeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      if (/ consuming transactions /.test(out)) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    child.stderr.on('data', (d: Buffer) => (out += d));
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!ready) {
    child.kill('SIGKILL');
    throw new PipelabError(
      'SERVICE_UNAVAILABLE',
      `pipelab process did not start: ${out.trim().slice(-400) || 'no output'}`,
      { hint: 'run `pipelab process --kafka <bootstrap>` by hand to see why, or use processorMode: in-process' },
    );
  }
  // keep draining its output so a chatty child never blocks on a full pipe
  child.stdout.resume();
  child.stderr.resume();
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    pid: child.pid as number,
    async stop(graceMs = 10_000) {
      if (!alive()) return;
      child.kill('SIGCONT'); // a paused child would not act on SIGTERM
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    },
    async kill() {
      if (!alive()) return;
      child.kill('SIGKILL');
      await exited;
    },
    signal(sig) {
      if (alive()) child.kill(sig);
    },
  };
}
