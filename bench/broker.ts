/**
 * Embedded broker throughput: produce and consume (msgs/s, MB/s; 100 B and 1 KiB records) with
 * kafkajs and with kcat; broker CPU time per million records (the broker runs in its own
 * process); broker memory against stored bytes; and the same kafkajs producer against a
 * do-nothing sink that acks every Produce, as a ratio (is the broker or the client the limit?).
 *
 *   npx tsx bench/broker.ts            full run (1M / 200k records)
 *   npx tsx bench/broker.ts --quick    a short run to see it works (or PIPELAB_BENCH_QUICK=1)
 *
 * Targets (issue #4): kcat produce >= 300k/s and consume >= 500k/s of 100 B records; kafkajs
 * >= 80 % of its rate against the sink; broker memory <= 1.2 x stored bytes + a constant.
 */
import './help.ts';
import { serveChild } from './serve-child.ts';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import net from 'node:net';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { Reader } from '../broker/protocol/reader.ts';
import { Writer } from '../broker/protocol/writer.ts';
import { frameResponse, readRequestHeader } from '../broker/protocol/frame.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const { Kafka, logLevel } = kafkajs;
const QUICK = process.argv.includes('--quick') || process.env.PIPELAB_BENCH_QUICK === '1';
const PARTITIONS = 4;

interface Usage {
  cpu: NodeJS.CpuUsage;
  stored: number;
  memGrowth: number;
  rss: number;
}

function ask(child: ChildProcess): Promise<Usage> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as Usage));
    child.send({ cmd: 'usage' });
  });
}

/** A do-nothing Kafka sink: ApiVersions, Metadata (itself leads every partition), Produce acked. */
async function startSink(): Promise<{ bootstrap: string; close(): Promise<void> }> {
  const server = net.createServer((sock) => {
    sock.setNoDelay(true);
    let buf = Buffer.alloc(0);
    sock.on('error', () => {});
    sock.on('data', (d) => {
      buf = buf.length ? Buffer.concat([buf, d]) : d;
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0));
        buf = buf.subarray(4 + frame.length);
        const r = new Reader(frame);
        const h = readRequestHeader(r);
        const w = new Writer();
        if (h.apiKey === 18) {
          w.int16(0).array(
            [
              [0, 3, 7],
              [3, 0, 6],
              [18, 0, 2],
            ],
            (w, [k, a, b]) => {
              w.int16(k!).int16(a!).int16(b!);
            },
          );
          if (h.apiVersion >= 1) w.int32(0);
        } else if (h.apiKey === 3) {
          const topics = r.nullableArray((r) => r.string()) ?? [];
          const { port } = server.address() as net.AddressInfo;
          w.int32(0).array([0], (w) => {
            w.int32(0).string('127.0.0.1').int32(port).nullableString(null);
          });
          w.nullableString('sink').int32(0);
          w.array(topics, (w, t) => {
            w.int16(0).string(t).bool(false);
            w.array(
              Array.from({ length: PARTITIONS }, (_, i) => i),
              (w, p) => {
                w.int16(0)
                  .int32(p)
                  .int32(0)
                  .array([0], (w) => w.int32(0))
                  .array([0], (w) => w.int32(0))
                  .array([], () => {});
              },
            );
          });
        } else if (h.apiKey === 0) {
          r.nullableString();
          const acks = r.int16();
          r.int32();
          const topics = r.array((r) => ({
            name: r.string(),
            parts: r.array((r) => {
              const p = r.int32();
              r.nullableBytes();
              return p;
            }),
          }));
          if (acks === 0) continue;
          w.array(topics, (w, t) => {
            w.string(t.name).array(t.parts, (w, p) => {
              w.int32(p).int16(0).int64(0).int64(-1).int64(0);
            });
          }).int32(0);
        } else {
          sock.destroy();
          return;
        }
        for (const b of frameResponse(h.correlationId, false, w.toBuffers())) sock.write(b);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    bootstrap: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function kafkajsProduce(bootstrap: string, topic: string, n: number, size: number): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const p = kafka.producer();
  await p.connect();
  const value = Buffer.alloc(size, 97);
  const batch = Array.from({ length: 1000 }, () => ({ value }));
  const inflight = 4;
  const t0 = performance.now();
  let sent = 0;
  const worker = async () => {
    while (sent < n) {
      sent += batch.length;
      await p.send({ topic, acks: 1, messages: batch });
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
  const secs = (performance.now() - t0) / 1000;
  await p.disconnect();
  return sent / secs;
}

async function kafkajsConsume(bootstrap: string, topic: string, n: number): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench-c', brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const c = kafka.consumer({ groupId: `bench-${topic}`, maxBytes: 50 * 1024 * 1024, maxWaitTimeInMs: 100 });
  await c.connect();
  await c.subscribe({ topic, fromBeginning: true });
  let got = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    void c.run({
      eachBatchAutoResolve: true,
      eachBatch: async ({ batch }) => {
        got += batch.messages.length;
        if (got >= n) resolve();
      },
    });
  });
  const secs = (performance.now() - t0) / 1000;
  await c.disconnect();
  return got / secs;
}

function run(cmd: string, args: string[], stdinFile?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(cmd, args, { stdio: [stdinFile ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr!.on('data', (d) => (err += d));
    if (stdinFile) fs.createReadStream(stdinFile).pipe(p.stdin!);
    p.on('close', (code) =>
      code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new Error(`${cmd} exited ${code}: ${err}`)),
    );
  });
}

function haveKcat(): boolean {
  try {
    return spawnSyncOk('kcat', ['-V']);
  } catch {
    return false;
  }
}
const spawnSyncOk = (c: string, a: string[]) => spawnSync(c, a, { stdio: 'ignore' }).status === 0;

const fmt = (rate: number, size: number) =>
  `${Math.round(rate).toLocaleString('en')} msgs/s  ${((rate * size) / 1e6).toFixed(1)} MB/s`;

async function main(): Promise<void> {
  const sizes = [100, 1024];
  const N = (size: number) => (QUICK ? (size === 100 ? 20_000 : 5_000) : size === 100 ? 1_000_000 : 200_000);
  console.log(
    `broker bench${QUICK ? ' (--quick: short runs, figures are indicative only)' : ''}; ${PARTITIONS} ` +
      `partitions; machine may be shared`,
  );
  const { child, ready } = await serveChild<{ bootstrap: string[]; sink: string }>(
    import.meta.url,
    ['--serve'],
    ['--expose-gc'],
  );
  const { bootstrap, sink: sinkBootstrap } = ready;
  const sink = { bootstrap: sinkBootstrap };
  const rows: string[] = [];
  try {
    for (const size of sizes) {
      const n = N(size);
      // warm both paths up (kafkajs's JIT), then alternate broker and sink runs and keep the best
      // of each, so neither side is measured on a cold client or a busier moment of the machine
      await kafkajsProduce(sink.bootstrap, `warm-${size}`, Math.ceil(n / 5), size);
      await kafkajsProduce(bootstrap[0]!, `warm-${size}`, Math.ceil(n / 5), size);
      let produce = 0,
        sinkRate = 0,
        cpuMs = 0;
      for (let round = 0; round < 2; round++) {
        const before = await ask(child);
        const rate = await kafkajsProduce(bootstrap[0]!, `kjs-${size}`, n / 2, size);
        const after = await ask(child);
        cpuMs += (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
        produce = Math.max(produce, rate);
        sinkRate = Math.max(sinkRate, await kafkajsProduce(sink.bootstrap, `kjs-${size}`, n / 2, size));
      }
      const consume = await kafkajsConsume(bootstrap[0]!, `kjs-${size}`, n);
      rows.push(
        `kafkajs produce ${size} B: ${fmt(produce, size)}; against the do-nothing sink ` +
          `${fmt(sinkRate, size)}; ratio ${((produce / sinkRate) * 100).toFixed(0)} % (target >= 80 %)`,
      );
      rows.push(
        `  broker CPU during kafkajs produce: ${(((cpuMs / n) * 1e6) / 1000).toFixed(2)} s per million records`,
      );
      rows.push(`kafkajs consume ${size} B: ${fmt(consume, size)}`);
    }
    if (haveKcat()) {
      const dir = mkdtempSync(join(tmpdir(), 'pipelab-bench-'));
      try {
        for (const size of sizes) {
          const n = N(size) * (QUICK ? 10 : 1);
          const file = join(dir, `in-${size}`);
          writeFileSync(file, `${'x'.repeat(size - 1)}\n`.repeat(n));
          writeFileSync(join(dir, 'empty'), 'x\n');
          const topic = `kcat-${size}`;
          const before = await ask(child);
          const pSecs = await run(
            'kcat',
            [
              '-P',
              '-b',
              bootstrap[0]!,
              '-t',
              topic,
              '-X',
              'linger.ms=5',
              '-X',
              'batch.num.messages=10000',
              '-X',
              'queue.buffering.max.messages=1000000',
            ],
            file,
          );
          const after = await ask(child);
          const cSecs = await run('kcat', [
            '-C',
            '-b',
            bootstrap[0]!,
            '-t',
            topic,
            '-o',
            'beginning',
            '-e',
            '-q',
            '-X',
            'fetch.message.max.bytes=4194304',
            '-X',
            'fetch.wait.max.ms=20',
          ]);
          const cpuMs = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
          rows.push(
            `kcat produce ${size} B: ${fmt(n / pSecs, size)}${size === 100 ? ' (target >= 300k/s)' : ''}; ` +
              `broker CPU ${(((cpuMs / n) * 1e6) / 1000).toFixed(2)} s per million`,
          );
          // kcat's own start-up, metadata and end-of-partition detection, timed reading from the end of a one-record
          // topic
          await run('kcat', ['-P', '-b', bootstrap[0]!, '-t', `${topic}-empty`], file.replace(/in-\d+$/, 'empty'));
          const idle = await run('kcat', [
            '-C',
            '-b',
            bootstrap[0]!,
            '-t',
            `${topic}-empty`,
            '-o',
            'end',
            '-e',
            '-q',
            '-X',
            'fetch.wait.max.ms=20',
          ]);
          rows.push(
            `kcat consume ${size} B: ${fmt(n / cSecs, size)}${size === 100 ? ' (target >= 500k/s)' : ''}; ` +
              `${fmt(n / Math.max(1e-3, cSecs - idle), size)} without kcat's ${(idle * 1000).toFixed(0)} ` +
              `ms start-up/EOF time (timed on a topic with nothing to read)`,
          );
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    } else rows.push('kcat not found: kcat figures skipped');
    const u = await ask(child);
    rows.push(
      `broker memory: stored ${(u.stored / 1e6).toFixed(1)} MB; heap+buffers grew ` +
        `${(u.memGrowth / 1e6).toFixed(1)} MB = ${(u.memGrowth / u.stored).toFixed(2)} x stored (target ` +
        `<= 1.2 x + constant); rss ${(u.rss / 1e6).toFixed(0)} MB`,
    );
  } finally {
    child.send({ cmd: 'stop' });
    setTimeout(() => child.kill(), 2000).unref();
  }
  for (const r of rows) console.log(r);
}

// ---------- child: the broker in its own process, so its CPU and memory are its own ----------
async function serve(): Promise<void> {
  const { startBroker } = await import('../broker/index.ts');
  const broker = await startBroker({ defaultPartitions: PARTITIONS, retentionCheckMs: 0 });
  const baseline = process.memoryUsage();
  process.on('message', (m: { cmd: string }) => {
    if (m.cmd === 'usage') {
      global.gc?.();
      const mem = process.memoryUsage();
      process.send!({
        cpu: process.cpuUsage(),
        stored: broker.stats().storedBytes,
        memGrowth: mem.heapUsed + mem.arrayBuffers - baseline.heapUsed - baseline.arrayBuffers,
        rss: mem.rss,
      });
    } else if (m.cmd === 'stop') {
      void broker.close().then(() => process.exit(0));
    }
  });
  // the sink lives in the same child process, so both sides cross a process boundary alike
  const sink = await startSink();
  process.send!({ bootstrap: broker.bootstrap, sink: sink.bootstrap });
}

if (process.argv.includes('--serve')) await serve();
else await main();
