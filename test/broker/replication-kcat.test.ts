/**
 * librdkafka (Debian's kcat) against the replicated cluster: an idempotent acks=all producer
 * writes while partition 0's leader is killed; every value it reports delivered is read back by
 * a kcat consumer, none twice.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { haveTool } from '../helpers/tools.ts';
import { leaderOf, startCluster, TOPIC } from './replication-run.ts';

const ok = haveTool('kcat', ['-V']);

function run(bootstrap: string[], args: string[], feed: (write: (s: string) => void) => Promise<void>) {
  const p = spawn('kcat', ['-b', bootstrap.join(','), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '',
    err = '';
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

test('kcat acks=all + idempotence across a hard kill of partition 0 leader: delivered values read once', async () => {
  if (!ok) return;
  const broker = await startCluster();
  try {
    const victim = leaderOf(broker, 0);
    const values = Array.from({ length: 400 }, (_, i) => `k${i}`);
    const produced = await run(
      broker.bootstrap,
      ['-P', '-t', TOPIC, '-X', 'acks=all', '-X', 'enable.idempotence=true', '-X', 'linger.ms=5'],
      async (write) => {
        for (const v of values.slice(0, 200)) write(`${v}\n`);
        await new Promise((r) => setTimeout(r, 300));
        await broker.nodes![victim]!.kill();
        for (const v of values.slice(200)) write(`${v}\n`);
      },
    );
    assert.is(produced.code, 0, produced.err);
    const failed = (produced.err.match(/Delivery failed/g) ?? []).length;
    assert.is(failed, 0, produced.err);
    assert.ok(!broker.replication!.view()!.leaders[TOPIC]!.includes(victim), 'partition 0 has a new leader');
    const read = await run(broker.bootstrap, ['-C', '-t', TOPIC, '-o', 'beginning', '-e', '-q'], async () => {});
    const got = read.out.split('\n').filter(Boolean);
    const counts = new Map<string, number>();
    for (const v of got) counts.set(v, (counts.get(v) ?? 0) + 1);
    assert.equal(
      values.filter((v) => !counts.has(v)),
      [],
      'delivered values lost',
    );
    assert.equal(
      [...counts].filter(([, n]) => n > 1).map(([v]) => v),
      [],
      'values read twice',
    );
  } finally {
    await broker.close();
  }
});

test.run();
