import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { haveTool } from './helpers/tools.ts';

// docker-compose v1 (Debian) validates the file without a Docker engine.
const ok = haveTool('docker-compose', ['version'], 'docker-compose');

(ok ? test : test.skip)('docker-compose.yml is valid for docker-compose config', () => {
  const r = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
});

test('the compose cluster has 3 KRaft brokers with replication factor 3, Redis and the pipeline services', () => {
  const text = readFileSync('docker-compose.yml', 'utf8');
  for (const s of ['kafka-1:', 'kafka-2:', 'kafka-3:', 'redis:', 'model-server:', 'stream-processor:'])
    assert.ok(text.includes(s), s);
  assert.match(text, /KAFKA_DEFAULT_REPLICATION_FACTOR: 3/);
  assert.match(text, /KAFKA_PROCESS_ROLES: broker,controller/);
});

test.run();
