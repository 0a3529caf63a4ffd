/**
 * librdkafka 2.0.2's transactional API (Debian python3-confluent-kafka, driving
 * test/fixtures/broker/rdk_txn.py): commit/abort with send_offsets_to_transaction, read_committed
 * against read_uncommitted, and a zombie fenced by a second producer with its transactional.id.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startBroker, type Broker } from '../../broker/index.ts';
import { haveTool } from '../helpers/tools.ts';

const PY = '/usr/bin/python3';
const ok = haveTool(PY, ['-c', 'import confluent_kafka'], 'python3-confluent-kafka (/usr/bin/python3)');
const SCRIPT = fileURLToPath(new URL('../fixtures/broker/rdk_txn.py', import.meta.url));
let broker: Broker;

test.before(async () => {
  if (ok) broker = await startBroker({ retentionCheckMs: 0 });
});
test.after(async () => {
  await broker?.close();
});

function run(scenario: string, topic: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const p = spawn(PY, [SCRIPT, broker.bootstrap[0]!, scenario, topic], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '',
      err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    const t = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`rdk_txn.py ${scenario} timed out: ${err}`));
    }, 90_000);
    p.on('close', (code) => {
      clearTimeout(t);
      if (code !== 0) reject(new Error(`rdk_txn.py ${scenario} exited ${code}: ${err}`));
      else resolve(JSON.parse(out) as Record<string, unknown>);
    });
  });
}

const values = (tag: string) => Array.from({ length: 5 }, (_, i) => `${tag}${i}`);

test('commit, abort, commit with offsets: read_committed skips aborted records, read_uncommitted not', async () => {
  if (!ok) return;
  broker.createTopic('rdk-txn');
  const r = await run('txn', 'rdk-txn');
  assert.equal(r.committed, [...values('c'), ...values('d')]);
  assert.equal(r.uncommitted, [...values('c'), ...values('a'), ...values('d')]);
  assert.is(r.groupOffset, 100, 'the committed transaction offsets, not the aborted one (999)');
});

test('a second producer with the same transactional.id fences the first (fatal _FENCED)', async () => {
  if (!ok) return;
  broker.createTopic('rdk-fence');
  const r = await run('fence', 'rdk-fence');
  assert.equal(r.zombieError, { name: '_FENCED', fatal: true });
  assert.equal(r.committed, ['f0', 'f1', 'f2']);
});

test.run();
