/**
 * librdkafka's side of ReplicationTest (replication.test.ts): Debian's kcat as a producer (the
 * values on its stdin, one a line) and as a reader of the whole topic. kcat reports failed
 * deliveries only ("Delivery failed"), so a producer that reports none and exits 0 had every
 * value it was given acknowledged; one that reports any is counted as failed throughout.
 */
import type { Broker } from '../../broker/index.ts';
import { runKcat } from '../helpers/kcat.ts';
import { haveTool } from '../helpers/tools.ts';
import { type Delivery, TOPIC } from './replication-run.ts';

export const haveKcat = haveTool('kcat', ['-V']);

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
  const feed = async (write: (s: string) => void) => {
    for (const v of values.slice(0, half)) write(`${v}\n`);
    await opts.rest;
    for (const v of values.slice(half)) write(`${v}\n`);
  };
  const r = await runKcat(bootstrap, [...args, '-X', 'linger.ms=5'], { input: feed, ms: 30_000 });
  const failed = (r.err.match(/Delivery failed/g) ?? []).length;
  const all = failed === 0 && r.code === 0;
  // an exit with an error and no report: none of its values counts as acknowledged
  return { acked: new Set(all ? values : []), failed: all ? 0 : failed || values.length, err: r.err };
}

/** every value in the topic, read from the beginning of each partition to its end */
export async function kcatRead(broker: Broker): Promise<string[]> {
  const r = await runKcat(broker.bootstrap, ['-C', '-t', TOPIC, '-o', 'beginning', '-e', '-q'], { ms: 30_000 });
  if (r.code !== 0) throw new Error(`kcat -C exited ${r.code}: ${r.err}`);
  return r.out.split('\n').filter(Boolean);
}
