/**
 * `pipelab process`: the flags docker-compose.yml passes exist, and the command runs the
 * processor as its own process against a broker started here, stopping cleanly on SIGTERM.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import kafkajs from 'kafkajs';
import { startBroker } from '../../../../broker/index.ts';
import { registerKafkajsCodecs } from '../../../../broker/codecs.ts';
import { PIPELINE_HEADERS as H, header } from '../../../../pipeline/processor/index.ts';
import { TOPICS } from '../../../../pipeline/topics.ts';
import { createTransactionStream } from '../../../../generators/transactions.ts';
import { transactionToJson } from '../../../../generators/serialize.ts';
import { childNodeFlags, childProcessArgs } from '../../../../harness/targets/pipeline/children.ts';
import { childOptions } from '../../../../harness/targets/pipeline/processors.ts';
import { PIPELINE_TARGET_DEFAULTS } from '../../../../harness/targets/pipeline/schema.ts';

const CLI = 'bin/pipelab.js';

test('every flag docker-compose.yml gives the stream processor is an option of `pipelab process`', () => {
  const compose = readFileSync('docker-compose.yml', 'utf8');
  const block = compose.slice(compose.indexOf('stream-processor:'));
  const cmd = block.slice(block.indexOf('command:'), block.indexOf('depends_on:'));
  const items = [...cmd.matchAll(/^\s*-\s*(\S+)\s*$/gm)].map((m) => m[1]!);
  assert.is(items[0], 'process');
  const flags = items.filter((i) => i.startsWith('--'));
  assert.ok(flags.length >= 3, flags.join(' '));
  const help = spawnSync(process.execPath, [CLI, 'process', '--help'], { encoding: 'utf8' });
  assert.is(help.status, 0, help.stderr);
  for (const f of flags) assert.match(help.stdout, `${f} <`, f);
});

test('the pipelab command, its image and child processors run node with allocation-site pretenuring off', () => {
  const flags = ['--max-semi-space-size=128', '--no-allocation-site-pretenuring'];
  const shebang = readFileSync(CLI, 'utf8').split('\n')[0] ?? '';
  const entrypoint = readFileSync('Dockerfile', 'utf8').match(/^ENTRYPOINT (.*)$/m)?.[1] ?? '';
  for (const f of flags) {
    assert.ok(shebang.split(' ').includes(f), `bin/pipelab.js: ${shebang}`);
    assert.ok((JSON.parse(entrypoint) as string[]).includes(f), `Dockerfile: ${entrypoint}`);
  }
  // a child processor starts with the parent's collector settings, and nothing else of its node flags
  const parent = ['--max-semi-space-size=128', '--import', 'tsx', '--no-allocation-site-pretenuring', '--inspect'];
  assert.equal(childNodeFlags(parent), flags);
  assert.equal(childNodeFlags(['--import', 'tsx']), []);
});

test("child mode hands the target's fetch and in-flight options to `pipelab process`, and it takes them", () => {
  const at = { brokers: ['127.0.0.1:9092'], modelServerUrl: 'http://127.0.0.1:8500', redisUrl: undefined };
  type Options = Parameters<typeof childOptions>[0];
  const set = { ...PIPELINE_TARGET_DEFAULTS, fetchMinBytes: 1, fetchMaxWaitMs: 5, maxInFlight: 300 } as Options;
  const args = childProcessArgs(childOptions(set, at, true));
  const after = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  assert.is(after('--fetch-min-bytes'), '1');
  assert.is(after('--fetch-max-wait'), '5');
  assert.is(after('--max-in-flight'), '300');
  // unset in the target: the child keeps the processor's defaults
  const plain = childProcessArgs(childOptions({ ...PIPELINE_TARGET_DEFAULTS } as Options, at, true));
  for (const f of ['--fetch-min-bytes', '--fetch-max-wait', '--max-in-flight']) assert.not.ok(plain.includes(f), f);
  // every flag a child can be given is one `pipelab process` takes
  const help = spawnSync(process.execPath, [CLI, 'process', '--help'], { encoding: 'utf8' });
  assert.is(help.status, 0, help.stderr);
  for (const f of args.filter((a) => a.startsWith('--'))) assert.match(help.stdout, new RegExp(`${f}\\b`), f);
});

test('`pipelab process` consumes transactions and writes decisions, then stops on SIGTERM', async () => {
  registerKafkajsCodecs(); // the processor writes lz4 by default
  const broker = await startBroker({ minSessionTimeoutMs: 100 });
  const kafka = new kafkajs.Kafka({ brokers: broker.bootstrap, logLevel: kafkajs.logLevel.NOTHING });
  const child = spawn(
    process.execPath,
    [
      CLI,
      'process',
      '--kafka',
      broker.bootstrap.join(','),
      '--redis-mode',
      'embedded',
      '--partitions',
      '2',
      '--stats',
      '0',
      '--session-timeout',
      '1500',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: 'w', maxWaitTimeInMs: 20, sessionTimeout: 3000, heartbeatInterval: 100 });
  try {
    const t0 = Date.now();
    while (!/consuming transactions/.test(out) && child.exitCode === null && Date.now() - t0 < 30_000)
      await new Promise((r) => setTimeout(r, 50));
    assert.match(out, /kafka: external/);
    assert.match(out, /processor .* consuming transactions from 127\.0\.0\.1:\d+ \(group pipelab-processor\)/);
    const seen = new Set<string>();
    await consumer.connect();
    await consumer.subscribe({ topic: TOPICS.fraudDecisions, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.add(header(message.headers, H.eventId)!) });
    await producer.connect();
    const txs = createTransactionStream({ seed: 11 }).take(50);
    await producer.send({
      topic: TOPICS.transactions,
      messages: txs.map((t) => ({ key: t.userId, value: transactionToJson(t), headers: { [H.eventId]: t.id } })),
    });
    const t1 = Date.now();
    while (seen.size < 50 && Date.now() - t1 < 20_000) await new Promise((r) => setTimeout(r, 50));
    assert.is(seen.size, 50, out);
    child.kill('SIGTERM');
    assert.is(await exited, 0, out);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await consumer.disconnect();
    await producer.disconnect();
    await broker.close();
  }
});

test.run();
