/** `pipelab broker` runs until Ctrl-C, prints its bootstrap address and serves real clients. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;

test('pipelab broker --brokers 3 --port 0 serves metadata and stops cleanly on SIGINT', async () => {
  const child = spawn(
    process.execPath,
    ['bin/pipelab.js', 'broker', '--port', '0', '--brokers', '3', '--partitions', '4'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  try {
    const bootstrap = await new Promise<string[]>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no bootstrap line: ${out}`)), 20_000);
      child.stdout.on('data', () => {
        const m = /bootstrap (\S+)/.exec(out);
        if (m) {
          clearTimeout(t);
          resolve(m[1]!.split(','));
        }
      });
    });
    assert.is(bootstrap.length, 3);
    assert.ok(bootstrap.every((b) => b.startsWith('127.0.0.1:')));
    const kafka = new Kafka({ brokers: bootstrap, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'auto', messages: [{ value: 'x' }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const meta = await admin.fetchTopicMetadata({ topics: ['auto'] });
    await admin.disconnect();
    assert.is(meta.topics[0]!.partitions.length, 4);
  } finally {
    child.kill('SIGINT');
  }
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.is(code, 0);
  assert.match(out, /stopped/);
});

test('a bad --brokers value exits 104 with a hint and no stack trace', async () => {
  const child = spawn(process.execPath, ['bin/pipelab.js', 'broker', '--brokers', 'many'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.is(code, 104);
  assert.match(err, /invalid --brokers: expected an integer in \[1, 16\]/);
  assert.not.match(err, /at .*\.(ts|mjs):\d+/);
});

test.run();
