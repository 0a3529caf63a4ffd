/**
 * What TLS + SASL cost the replicated cluster (3 node processes, replication factor 3, acks=all),
 * side by side: two clusters at once, PLAINTEXT and SASL_SSL with SCRAM-SHA-512 (replicas fetch
 * over the nodes' plaintext loopback listeners in both), the same records produced through each by
 * kcat (librdkafka, acks=all) and consumed back; modes interleaved round by round, the best round
 * of each kept (a shared machine only ever slows a round down).
 *
 *   npx tsx bench/replicated-tls.ts [--quick] [--records N] [--rounds N]
 */
import './help.ts';
import { numberFlag } from './flags.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Broker, startBroker } from '../broker/index.ts';
import { haveOpenssl, makeCerts } from '../test/helpers/certs.ts';
import { haveTool } from '../test/helpers/tools.ts';
import { kcatSecurity, timeKcat } from './kcat.ts';

const QUICK = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const N = numberFlag('--records', QUICK ? 20_000 : 200_000, { int: true, min: 1 });
const ROUNDS = numberFlag('--rounds', QUICK ? 1 : 3, { int: true, min: 1 });
const SIZE = 100;
const MODES = ['PLAINTEXT', 'SASL_SSL'] as const;
type Mode = (typeof MODES)[number];
const USER = 'bench';
const PASSWORD = 'bench-pw-1';

async function main(): Promise<void> {
  if (!haveTool('kcat', ['-V']) || !haveOpenssl()) {
    console.log('needs kcat and openssl');
    return;
  }
  const certs = makeCerts();
  const dir = mkdtempSync(join(tmpdir(), 'pipelab-bench-rtls-'));
  const common = { brokers: 3, port: 0, defaultReplicationFactor: 3, onWarning: () => {} };
  const clusters = {} as Record<Mode, Broker>;
  try {
    clusters.PLAINTEXT = await startBroker(common);
    clusters.SASL_SSL = await startBroker({
      ...common,
      tls: { certFile: certs.serverCert, keyFile: certs.serverKey },
      sasl: { mechanisms: ['scram-sha-512'], users: { [USER]: PASSWORD } },
    });
    const conf = (m: Mode) => kcatSecurity(m, certs.ca, USER, PASSWORD);
    const file = join(dir, 'in');
    writeFileSync(file, `${'x'.repeat(SIZE - 1)}\n`.repeat(N));
    const best = Object.fromEntries(MODES.map((m) => [m, { produce: 0, consume: 0, rounds: [] as number[] }]));
    for (let r = 0; r < ROUNDS; r++)
      for (const m of MODES) {
        const topic = `t-${r}`;
        await clusters[m].createTopic(topic, { partitions: 3, replicationFactor: 3 });
        const b = clusters[m].bootstrap.join(',');
        const p = await timeKcat(
          [
            '-P',
            '-b',
            b,
            '-t',
            topic,
            ...conf(m),
            '-X',
            'acks=all',
            '-X',
            'linger.ms=5',
            '-X',
            'batch.num.messages=10000',
          ],
          file,
        );
        const c = await timeKcat(['-C', '-b', b, '-t', topic, '-o', 'beginning', '-e', '-q', ...conf(m)]);
        const x = best[m]!;
        x.rounds.push(Math.round(N / p));
        x.produce = Math.max(x.produce, N / p);
        x.consume = Math.max(x.consume, N / c);
      }
    console.log(
      `replicated cluster, 3 node processes, RF 3, acks=all, ${N} records of ${SIZE} B, best of ${ROUNDS} ` +
        '(machine may be shared):',
    );
    const base = best.PLAINTEXT!;
    for (const m of MODES) {
      const x = best[m]!;
      const rel = (a: number, b: number) => (m === 'PLAINTEXT' ? '' : ` (${((a / b - 1) * 100).toFixed(0)} %)`);
      console.log(
        `  ${m.padEnd(9)} kcat produce ${Math.round(x.produce).toLocaleString('en')}/s${rel(x.produce, base.produce)}` +
          ` (rounds ${x.rounds.join(', ')}), consume ${Math.round(x.consume).toLocaleString('en')}/s` +
          rel(x.consume, base.consume),
      );
    }
  } finally {
    for (const c of Object.values(clusters)) await c.close();
    rmSync(dir, { recursive: true, force: true });
    certs.cleanup();
  }
}

await main();
