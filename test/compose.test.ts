import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
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

test('the monitoring stack: Prometheus scrapes the model server and the harness, Grafana loads the dashboard', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8'));
  const { prometheus, grafana } = compose.services;
  assert.ok(prometheus && grafana, 'prometheus and grafana services');
  // every file the stack mounts is in the repository
  for (const v of [...prometheus.volumes, ...grafana.volumes]) {
    const local = String(v).split(':')[0] as string;
    assert.ok(existsSync(local), `${local} (mounted by ${v})`);
  }
  const prom = parse(readFileSync('deploy/prometheus/prometheus.yml', 'utf8'));
  const targets = Object.fromEntries(
    prom.scrape_configs.map((c: { job_name: string; static_configs: { targets: string[] }[] }) => [
      c.job_name,
      c.static_configs.flatMap((s) => s.targets),
    ]),
  );
  // the model server's port as compose publishes it, the harness's documented --metrics-port
  const msPort = String(compose.services['model-server'].ports[0]).split(':')[1];
  assert.equal(targets['model-server'], [`model-server:${msPort}`]);
  assert.equal(targets.pipelab, ['host.docker.internal:9464']);
  assert.ok(prometheus.extra_hosts.includes('host.docker.internal:host-gateway'));
  // the dashboard's panels use the provisioned data source
  const ds = parse(readFileSync('deploy/grafana/provisioning/datasources/prometheus.yml', 'utf8')).datasources[0];
  const dash = JSON.parse(readFileSync('deploy/grafana/dashboards/pipelab.json', 'utf8'));
  for (const p of dash.panels.filter((p: { type: string }) => p.type !== 'row'))
    assert.is(p.datasource.uid, ds.uid, p.title);
});

test.run();
