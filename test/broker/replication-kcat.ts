/**
 * librdkafka's side of ReplicationTest (replication.test.ts): Debian's kcat as a producer (the
 * values on its stdin, one a line) and as a reader of the whole topic. kcat reports failed
 * deliveries only ("Delivery failed"), so a producer that reports none and exits 0 had every
 * value it was given acknowledged; one that reports any is counted as failed throughout.
 */
import { spawn } from 'node:child_process';
import type { Broker } from '../../broker/index.ts';
import { haveTool } from '../helpers/tools.ts';
import { type Delivery, TOPIC } from './replication-run.ts';

export const haveKcat = haveTool('kcat', ['-V']);

function kcat(bootstrap: string[], args: string[], feed: (write: (s: string) => void) => Promise<void>) {
  const p = spawn('kcat', ['-b', bootstrap.join(','), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (err += d));
  return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const t = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`kcat ${args.join(' ')} timed out: ${err}`));
    }, 30_000);
    p.on('close', (code) => {
      clearTimeout(t);
      resolve({ code, out, err });
    });
    void feed((s) => p.stdin.write(s)).then(() => p.stdin.end());
  });
}

/**
 * produces `count` values (half at once, the rest once `rest` resolves: when a fault begins), to
 * `partition` or spread by librdkafka's partitioner, bootstrapping through `via` only if given
 */
export async function kcatProduce(
  broker: Broker,
  opts: {
    acks: 'all' | 1;
    idempotent: boolean;
    count: number;
    partition?: number;
    via?: number[];
    rest?: Promise<unknown>;
  },
): Promise<Delivery & { err: string }> {
  const tag = `lk-${Date.now().toString(36)}-`;
  const values = Array.from({ length: opts.count }, (_, i) => `${tag}${i}`);
  const half = Math.floor(opts.count / 2);
  const bootstrap = opts.via?.map((id) => `${broker.nodes![id]!.host}:${broker.nodes![id]!.port}`) ?? broker.bootstrap;
  const args = ['-P', '-t', TOPIC, '-X', `acks=${opts.acks}`, '-X', `enable.idempotence=${opts.idempotent}`];
  if (opts.partition !== undefined) args.push('-p', String(opts.partition));
  const r = await kcat(bootstrap, [...args, '-X', 'linger.ms=5'], async (write) => {
    for (const v of values.slice(0, half)) write(`${v}\n`);
    await opts.rest;
    for (const v of values.slice(half)) write(`${v}\n`);
  });
  const failed = (r.err.match(/Delivery failed/g) ?? []).length;
  const all = failed === 0 && r.code === 0;
  // an exit with an error and no report: none of its values counts as acknowledged
  return { acked: new Set(all ? values : []), failed: all ? 0 : failed || values.length, err: r.err };
}

/** every value in the topic, read from the beginning of each partition to its end */
export async function kcatRead(broker: Broker): Promise<string[]> {
  const r = await kcat(broker.bootstrap, ['-C', '-t', TOPIC, '-o', 'beginning', '-e', '-q'], async () => {});
  if (r.code !== 0) throw new Error(`kcat -C exited ${r.code}: ${r.err}`);
  return r.out.split('\n').filter(Boolean);
}
