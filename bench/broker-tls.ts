/**
 * What TLS and SASL cost the embedded broker, side by side in one run: three brokers in one child
 * process (PLAINTEXT, SSL, SASL_SSL with SCRAM-SHA-512), the same records produced and consumed
 * through each by kcat (librdkafka: fast enough that the broker, not the client, is the limit) and
 * by kafkajs. Modes are interleaved round by round and the best round of each is kept, so a busier
 * moment of a shared machine does not land on one mode only. Broker CPU per million records is
 * the broker process's own user+system time over the produce.
 *
 *   npx tsx bench/broker-tls.ts            full run (500k records of 100 B, 100k of 1 KiB, 3 rounds)
 *   npx tsx bench/broker-tls.ts --quick    a short run to see it works (or PIPELAB_BENCH_QUICK=1)
 *
 * Certificates are made with openssl into a temp dir and removed afterwards.
 */
import './help.ts';
import { serveChild } from './serve-child.ts';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { haveOpenssl, makeCerts } from '../test/helpers/certs.ts';
import { haveTool } from '../test/helpers/tools.ts';
import { kcatSecurity, timeKcat } from './kcat.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = kafkajs;
const QUICK = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const PARTITIONS = 4;
const USER = 'bench';
const PASSWORD = 'bench-pw';
const MODES = ['PLAINTEXT', 'SSL', 'SASL_SSL'] as const;
type Mode = (typeof MODES)[number];

interface Ready {
  bootstrap: Record<Mode, string>;
}

function cpuMs(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m) => {
      const u = m as NodeJS.CpuUsage;
      resolve((u.user + u.system) / 1000);
    });
    child.send({ cmd: 'cpu' });
  });
}

function kafkajsClient(mode: Mode, bootstrap: string, ca: string) {
  return new Kafka({
    clientId: 'bench-tls',
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    ...(mode === 'PLAINTEXT' ? {} : { ssl: { ca: [readFileSync(ca)] } }),
    ...(mode === 'SASL_SSL'
      ? { sasl: { mechanism: 'scram-sha-512' as const, username: USER, password: PASSWORD } }
      : {}),
  });
}

async function kafkajsProduce(mode: Mode, bootstrap: string, ca: string, topic: string, n: number, size: number) {
  const p = kafkajsClient(mode, bootstrap, ca).producer();
  await p.connect();
  const value = Buffer.alloc(size, 97);
  const batch = Array.from({ length: 1000 }, () => ({ value }));
  let sent = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (sent < n) {
      sent += batch.length;
      await p.send({ topic, acks: 1, messages: batch });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const secs = (performance.now() - t0) / 1000;
  await p.disconnect();
  return sent / secs;
}

interface Best {
  kcatProduce: number;
  kcatConsume: number;
  kcatCpuPerM: number;
  kafkajsProduce: number;
}

const fmtRate = (r: number) => `${Math.round(r / 1000).toLocaleString('en')}k/s`;

async function main(): Promise<void> {
  if (!haveTool('kcat', ['-V']) || !haveOpenssl()) return;
  const certs = makeCerts();
  const dir = mkdtempSync(join(tmpdir(), 'pipelab-bench-tls-'));
  const { child, ready } = await serveChild<Ready>(import.meta.url, ['--serve', certs.serverCert, certs.serverKey]);
  const { bootstrap } = ready;
  const rounds = QUICK ? 1 : 3;
  console.log(
    `broker TLS bench${QUICK ? ' (--quick: figures indicative only)' : ''}; ${PARTITIONS} partitions, ` +
      `${rounds} interleaved round(s), best kept; machine may be shared`,
  );
  const rows: string[] = [];
  try {
    for (const size of [100, 1024]) {
      const n = QUICK ? 20_000 : size === 100 ? 500_000 : 100_000;
      const file = join(dir, `in-${size}`);
      writeFileSync(file, `${'x'.repeat(size - 1)}\n`.repeat(n));
      const best = Object.fromEntries(
        MODES.map((m) => [m, { kcatProduce: 0, kcatConsume: 0, kcatCpuPerM: Infinity, kafkajsProduce: 0 }]),
      ) as Record<Mode, Best>;
      for (let round = 0; round < rounds; round++)
        for (const mode of MODES) {
          const b = best[mode];
          const topic = `kc-${size}-${mode}-${round}`;
          const conf = kcatSecurity(mode, certs.ca, USER, PASSWORD);
          const c0 = await cpuMs(child);
          const p = await timeKcat(
            ['-P', '-b', bootstrap[mode], '-t', topic, ...conf, '-X', 'linger.ms=5', '-X', 'batch.num.messages=10000'],
            file,
          );
          const c1 = await cpuMs(child);
          const c = await timeKcat(['-C', '-b', bootstrap[mode], '-t', topic, '-o', 'beginning', '-e', '-q', ...conf]);
          b.kcatProduce = Math.max(b.kcatProduce, n / p);
          b.kcatConsume = Math.max(b.kcatConsume, n / c);
          b.kcatCpuPerM = Math.min(b.kcatCpuPerM, (((c1 - c0) / n) * 1e6) / 1000);
          const k = await kafkajsProduce(mode, bootstrap[mode], certs.ca, `kjs-${size}-${mode}`, n / 2, size);
          b.kafkajsProduce = Math.max(b.kafkajsProduce, k);
        }
      const base = best.PLAINTEXT;
      for (const mode of MODES) {
        const b = best[mode];
        const rel = (x: number, y: number) => (mode === 'PLAINTEXT' ? '' : ` (${((x / y - 1) * 100).toFixed(0)} %)`);
        rows.push(
          `${String(size).padStart(4)} B ${mode.padEnd(9)} kcat produce ${fmtRate(b.kcatProduce)}` +
            `${rel(b.kcatProduce, base.kcatProduce)}, consume ${fmtRate(b.kcatConsume)}` +
            `${rel(b.kcatConsume, base.kcatConsume)}; broker CPU ${b.kcatCpuPerM.toFixed(2)} s per million produced` +
            `${rel(b.kcatCpuPerM, base.kcatCpuPerM)}; kafkajs produce ${fmtRate(b.kafkajsProduce)}` +
            `${rel(b.kafkajsProduce, base.kafkajsProduce)}`,
        );
      }
    }
  } finally {
    child.send({ cmd: 'stop' });
    setTimeout(() => child.kill(), 2000).unref();
    rmSync(dir, { recursive: true, force: true });
    certs.cleanup();
  }
  for (const r of rows) console.log(r);
}

// ---------- child: the three brokers in their own process, so the CPU measured is theirs ----------
async function serve(certFile: string, keyFile: string): Promise<void> {
  const { startBroker } = await import('../broker/index.ts');
  const common = { defaultPartitions: PARTITIONS, retentionCheckMs: 0 };
  const tls = { certFile, keyFile };
  const sasl = { mechanisms: ['scram-sha-512' as const], users: { [USER]: PASSWORD } };
  const brokers = {
    PLAINTEXT: await startBroker(common),
    SSL: await startBroker({ ...common, tls }),
    SASL_SSL: await startBroker({ ...common, tls, sasl }),
  };
  process.on('message', async (m: { cmd: string }) => {
    if (m.cmd === 'cpu') process.send!(process.cpuUsage());
    if (m.cmd === 'stop') {
      for (const b of Object.values(brokers)) await b.close();
      process.exit(0);
    }
  });
  const bootstrap = Object.fromEntries(Object.entries(brokers).map(([k, b]) => [k, b.bootstrap[0]!]));
  process.send!({ bootstrap });
}

if (process.argv[2] === '--serve') await serve(process.argv[3]!, process.argv[4]!);
else await main();
