/**
 * pipelab installed the way a user installs it: `npm pack` this checkout, install the tarball into a
 * fresh project (no overrides copied, no optional peers), then use it there: `npx pipelab run` on
 * the project's own scenario file, `import` from an ES module script (through tsx, as scenario
 * files are) and `require` from CommonJS (as notebooks do). A feature that needs an optional peer
 * (TensorFlow.js for the reference model) fails with the PipelabError naming the package.
 * Installs from npm's cache where it can (--prefer-offline): `npm ci` in this checkout filled it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'pipelab-pack-'));
const app = join(tmp, 'app');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, FORCE_COLOR: '0', npm_config_update_notifier: 'false', ...env },
  });
}
const show = (r: SpawnSyncReturns<string>): string => `exit ${r.status}\n${r.stdout}\n${r.stderr}`.slice(-4000);

const OPTIONAL = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'arquero', 'testcontainers'];

test('npm pack ships the sources, the CommonJS build and the models, not the tests', () => {
  const r = run(npm, ['pack', '--pack-destination', tmp, '--json'], root);
  assert.is(r.status, 0, show(r));
  const [info] = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
  const paths = info!.files.map((f) => f.path);
  const shipped = ['index.ts', 'dist/pipelab.cjs', 'dist/bundle.cjs', 'bin/pipelab.js', 'package.json'];
  // the declarations package.json "types"/"typesVersions" name (tslab types notebook cells by them)
  shipped.push('dist/types/index.d.ts', 'dist/types/api/sim.d.ts');
  // the CLI's bundle (bin/build-cli.js): its manifest, and one build of it, not every old one
  shipped.push('dist/cli/manifest.json');
  const builds = new Set(
    paths.filter((p) => p.startsWith('dist/cli/') && p.endsWith('.mjs')).map((p) => p.split('/')[2]),
  );
  assert.is(builds.size, 1, [...builds].join(', '));
  for (const p of shipped) assert.ok(paths.includes(p), `${p} is in the tarball`);
  assert.ok(
    paths.some((p) => p.startsWith('models/')),
    'the reference model artefacts ship',
  );
  assert.not.ok(
    paths.some((p) => p.startsWith('test/') || p.startsWith('bench/')),
    'tests and benches stay out',
  );
});

test('the tarball installs into a fresh project without overrides or optional peers', () => {
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'app', private: true, type: 'module' })}\n`);
  const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  assert.ok(tgz, 'npm pack wrote a tarball');
  const r = run(npm, ['install', join(tmp, tgz!), '--prefer-offline', '--no-audit', '--no-fund'], app);
  assert.is(r.status, 0, show(r));
  assert.ok(existsSync(join(app, 'node_modules', 'pipelab', 'package.json')));
  for (const p of OPTIONAL) assert.not.ok(existsSync(join(app, 'node_modules', p)), `${p} is not installed`);
  const du = run('du', ['-sm', join(app, 'node_modules')], app);
  if (du.status === 0) console.log(`  node_modules without the optional parts: ${du.stdout.split('\t')[0]} MB`);
});

test('`npx pipelab run` runs a scenario file of the project', () => {
  writeFileSync(
    join(app, 'scenario.ts'),
    `import { defineScenario } from 'pipelab';
export default defineScenario({
  name: 'installed',
  target: { type: 'function', builtin: 'sleep', ms: 1 },
  executors: { main: { executor: 'constant-arrival-rate', rate: 40, duration: '1s' } },
  thresholds: { errors: ['rate==0'] },
});
`,
  );
  const r = run('npx', ['--no-install', 'pipelab', 'run', 'scenario.ts', '--out', 'out'], app, {
    PIPELAB_CLI_DEBUG: '1',
  });
  assert.is(r.status, 0, show(r));
  // installed files all carry npm's one date: the bundle is judged fresh by content
  assert.match(r.stderr, /pipelab: running the bundle /, show(r));
  // and their mtimes are written back to its manifest, once they are a second old (the 1 s run
  // above), so the next start compares mtimes instead of hashing every input
  const again = run('npx', ['--no-install', 'pipelab', '--version'], app);
  assert.is(again.status, 0, show(again));
  const installed = join(app, 'node_modules', 'pipelab');
  const { inputs } = JSON.parse(readFileSync(join(installed, 'dist', 'cli', 'manifest.json'), 'utf8')) as {
    inputs: Record<string, [number, number, string]>;
  };
  const stale = Object.entries(inputs).filter(([f, [, mtimeMs]]) => statSync(join(installed, f)).mtimeMs !== mtimeMs);
  assert.equal(
    stale.map(([f]) => f),
    [],
    'every input of the manifest records its installed mtime',
  );
  assert.ok(Object.keys(inputs).length > 100, `${Object.keys(inputs).length} inputs`);
  const summary = JSON.parse(readFileSync(join(app, 'out', 'summary.json'), 'utf8'));
  assert.is(summary.scenario.name, 'installed');
  assert.is(summary.metrics.iterations.count, 40);
});

test('a script of the project imports pipelab (ES module through tsx, and CommonJS)', () => {
  writeFileSync(
    join(app, 'use.ts'),
    `import { validateScenario, PipelabError } from 'pipelab';
import { createGenerator } from 'pipelab/generators';
const s = validateScenario({ name: 'x', target: { type: 'function', builtin: 'sleep', ms: 1 },
  executors: { a: { executor: 'constant-vus', vus: 1, duration: '1s' } } });
const g = createGenerator('transactions', { seed: 1 });
console.log(JSON.stringify({ name: s.name, error: typeof PipelabError, event: typeof g.next }));
`,
  );
  const esm = run(process.execPath, ['--import', 'tsx', 'use.ts'], app);
  assert.is(esm.status, 0, show(esm));
  assert.equal(JSON.parse(esm.stdout.trim()), { name: 'x', error: 'function', event: 'function' });

  writeFileSync(
    join(app, 'use.cjs'),
    `const p = require('pipelab');
const sim = require('pipelab/sim');
console.log(JSON.stringify({ root: typeof p.runScenario, sim: typeof sim.runSimulation }));
`,
  );
  const cjs = run(process.execPath, ['use.cjs'], app);
  assert.is(cjs.status, 0, show(cjs));
  assert.equal(JSON.parse(cjs.stdout.trim()), { root: 'function', sim: 'function' });
});

test('a feature needing a missing optional peer names the package to add', () => {
  const r = run('npx', ['--no-install', 'pipelab', 'model', 'train', 'v1', '--out', 'models'], app);
  assert.is(r.status, 104, show(r));
  assert.match(r.stderr, /@tensorflow\/tfjs/);
  assert.match(r.stderr, /hint: npm install @tensorflow\/tfjs/);
  assert.not.match(r.stderr, /^\s+at /m, 'no stack trace');
});

test.run();
