import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PipelabError } from '../../../errors.ts';
import { configOf, loadScenario, planScenario, validateScenario } from '../../../harness/scenario/index.ts';
import { importScenarioFile } from '../../../harness/scenario/load.ts';
import { loadAnyScenario, loadSimulation } from '../../../harness/sim/scenario.ts';
import { rejected, thrown } from '../../helpers/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'pipelab-scenario-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const indexUrl = pathToFileURL(join(process.cwd(), 'index.ts')).href;
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const valid = {
  name: 'ok',
  target: { type: 'function', builtin: 'sleep', ms: 1 },
  executors: { main: { executor: 'constant-arrival-rate', rate: 10, duration: '5s' } },
};

const paths = (e: PipelabError) => e.issues.map((i) => i.path);

test('a valid scenario resolves with defaults (seed 1, no warm-up, no thresholds)', () => {
  const s = validateScenario(valid);
  assert.is(s.seed, 1);
  assert.is(s.warmupMs, 0);
  assert.equal(s.thresholds, {});
  assert.is(s.executors.main?.executor, 'constant-arrival-rate');
});

test('every problem is listed with its path, not just the first', () => {
  const e = thrown(() =>
    validateScenario({
      name: 'bad',
      warmup: 'soon',
      target: { type: 'function', builtin: 'sleep', ms: -1 },
      executors: { main: { executor: 'constant-arrival-rate', rate: -5, duration: 10, colour: 'red' } },
    }),
  );
  assert.is(e.code, 'INVALID_SCENARIO');
  assert.equal(paths(e).sort(), [
    '/executors/main',
    '/executors/main/duration',
    '/executors/main/rate',
    '/target/ms',
    '/warmup',
  ]);
  const byPath = Object.fromEntries(e.issues.map((i) => [i.path, i.message]));
  assert.is(byPath['/executors/main/rate'], 'expected a positive number');
  assert.match(byPath['/executors/main'] ?? '', /unknown field "colour" \(allowed: executor, rate, timeUnit, duration/);
  assert.match(byPath['/warmup'] ?? '', /expected a duration like "30s"/);
  assert.match(e.format(), /\/executors\/main\/rate: expected a positive number/);
});

test('a wrong type names what was expected and what was given', () => {
  const e = thrown(() =>
    validateScenario({ ...valid, executors: { main: { executor: 'constant-vus', vus: '10', duration: '1s' } } }),
  );
  assert.equal(e.issues, [{ path: '/executors/main/vus', message: 'expected a positive integer, got "10"' }]);
});

test('a bad enum value lists the allowed values', () => {
  const e = thrown(() =>
    validateScenario({ ...valid, target: { type: 'http', url: 'http://127.0.0.1:1/', method: 'FETCH' } }),
  );
  assert.equal(paths(e), ['/target/method']);
  assert.match(
    e.issues[0]?.message ?? '',
    /expected one of "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", got "FETCH"/,
  );
});

test('the retention of the pipeline target is a positive duration, checked with the rest', () => {
  for (const retention of ['soon', '0s', 120])
    assert.equal(paths(thrown(() => validateScenario({ ...valid, target: { type: 'pipeline', retention } }))), [
      '/target/retention',
    ]);
  assert.not.throws(() => validateScenario({ ...valid, target: { type: 'pipeline', retention: '2m' } }));
});

test('an unknown executor lists the known ones (UNKNOWN_EXECUTOR)', () => {
  const e = thrown(() =>
    validateScenario({ ...valid, executors: { main: { executor: 'shared-iterations', vus: 1 } } }),
  );
  assert.is(e.code, 'UNKNOWN_EXECUTOR');
  assert.is(e.exitCode, 104);
  assert.equal(paths(e), ['/executors/main/executor']);
  assert.match(
    e.issues[0]?.message ?? '',
    'unknown executor "shared-iterations" ' +
      '(known: constant-arrival-rate, ramping-arrival-rate, constant-vus, ramping-vus, per-vu-iterations)',
  );
});

test('an unknown target type lists the known ones (UNKNOWN_TARGET)', () => {
  const e = thrown(() => validateScenario({ ...valid, target: { type: 'grpc' } }));
  assert.is(e.code, 'UNKNOWN_TARGET');
  assert.match(e.issues[0]?.message ?? '', /unknown target type "grpc" \(known: function, http, kafka, pipeline\)/);
});

test('missing required fields are reported each at their path', () => {
  const e = thrown(() => validateScenario({ executors: { main: { executor: 'constant-arrival-rate' } } }));
  assert.equal(paths(e).sort(), ['/executors/main/duration', '/executors/main/rate', '/name', '/target']);
  assert.ok(e.issues.every((i) => i.message === 'required'));
});

test('a bad threshold fails at validation with its path, alongside other problems', () => {
  const e = thrown(() => validateScenario({ ...valid, thresholds: { latency: ['p(99)<<500'], errors: ['p(99)<5'] } }));
  assert.is(e.code, 'INVALID_SCENARIO');
  assert.equal(paths(e).sort(), ['/thresholds/errors/0', '/thresholds/latency/0']);
  const e2 = thrown(() => validateScenario({ ...valid, name: '', thresholds: { latency: ['p(99)<<500'] } }));
  assert.equal(paths(e2).sort(), ['/name', '/thresholds/latency/0']);
});

test('the function target needs exactly one of fn and builtin', () => {
  const e = thrown(() => validateScenario({ ...valid, target: { type: 'function' } }));
  assert.equal(paths(e), ['/target']);
  assert.match(e.issues[0]?.message ?? '', /give either "fn".*or "builtin"/);
  const e2 = thrown(() => validateScenario({ ...valid, target: { type: 'function', fn: 'not a function' } }));
  assert.match(e2.issues[0]?.message ?? '', /expected a function/);
});

test('the autocannon engine only accepts constant-vus executors', () => {
  const e = thrown(() =>
    validateScenario({ ...valid, target: { type: 'http', url: 'http://127.0.0.1:1/', engine: 'autocannon' } }),
  );
  assert.equal(paths(e), ['/executors/main/executor']);
  assert.match(e.issues[0]?.message ?? '', /constant-vus/);
});

test('overrides set seed, duration (stages scaled), rate (ramping peaks scaled) and services', () => {
  const s = validateScenario(
    {
      name: 'o',
      target: { type: 'function', builtin: 'noop' },
      executors: {
        a: { executor: 'constant-arrival-rate', rate: 2, timeUnit: '1m', duration: '1m' },
        b: {
          executor: 'ramping-arrival-rate',
          startRate: 10,
          stages: [
            { target: 50, duration: '30s' },
            { target: 0, duration: '10s' },
          ],
        },
        c: {
          executor: 'ramping-vus',
          stages: [
            { target: 2, duration: '10s' },
            { target: 2, duration: '30s' },
          ],
        },
        d: { executor: 'per-vu-iterations', iterations: 3 },
      },
    },
    { seed: 'abc', duration: '20s', rate: 100, services: { kafka: 'localhost:9092' } },
  );
  assert.is(typeof s.seed, 'number');
  assert.equal(s.executors.a, { executor: 'constant-arrival-rate', rate: 100, timeUnit: '1s', duration: '20s' });
  const b = s.executors.b as { startRate: number; stages: { target: number; duration: string }[] };
  assert.equal(b.stages, [
    { target: 100, duration: '15s' },
    { target: 0, duration: '5s' },
  ]);
  assert.is(b.startRate, 20);
  const c = s.executors.c as { stages: { duration: string }[] };
  assert.equal(
    c.stages.map((x) => x.duration),
    ['5s', '15s'],
  );
  assert.is((s.executors.d as { maxDuration: string }).maxDuration, '20s');
  assert.equal(s.services, { kafka: 'localhost:9092' });
  assert.equal(planScenario(s).totalMs, 20_000);
});

test('bad overrides are INVALID_ARGUMENT with every problem', () => {
  const e = thrown(() =>
    validateScenario(
      { ...valid, executors: { m: { executor: 'constant-vus', duration: '1s' } } },
      { duration: 'forever', rate: 5 },
    ),
  );
  assert.is(e.code, 'INVALID_ARGUMENT');
  assert.equal(paths(e), ['/overrides/duration', '/overrides/rate']);
  assert.match(e.issues[1]?.message ?? '', /no arrival-rate executor/);
});

test('configOf shows functions as [function] and keeps the rest', () => {
  const s = validateScenario({ ...valid, target: { type: 'function', fn: async () => true } });
  const c = configOf(s) as { target: { fn: string }; executors: unknown };
  assert.is(c.target.fn, '[function]');
  assert.equal(c.executors, valid.executors);
});

test('loadScenario imports a .ts file, validates its default export and applies overrides', async () => {
  const p = file(
    'good.ts',
    `import { defineScenario } from '${indexUrl}';\nexport default defineScenario({ name: 'good', target: ` +
      `{ type: 'function', fn: async (ctx) => { await ctx.sleep(1); } }, executors: { main: { executor: ` +
      `'constant-vus', vus: 2, duration: '3s' } } });\n`,
  );
  const s = await loadScenario(p, { seed: 9, duration: '1s' });
  assert.is(s.name, 'good');
  assert.is(s.seed, 9);
  assert.is(s.file, p);
  assert.equal(s.executors.main, { executor: 'constant-vus', vus: 2, duration: '1s' });
});

test('a missing file is SCENARIO_NOT_FOUND and names the scenario files beside it', async () => {
  file('other.ts', 'export default {};\n');
  const e = await rejected(() => loadScenario(join(dir, 'nope.ts')));
  assert.is(e.code, 'SCENARIO_NOT_FOUND');
  assert.match(e.hint ?? '', /other\.ts/);
});

test('a file with a syntax error is INVALID_SCENARIO, not a crash', async () => {
  const p = file('broken.ts', `export default { name: 'x', executors: { ,, } \n`);
  const e = await rejected(() => loadScenario(p));
  assert.is(e.code, 'INVALID_SCENARIO');
  assert.match(e.message, /could not be loaded/);
  assert.is(e.issues.length, 1);
});

test('a file without a default export says how to write one', async () => {
  const p = file('nodefault.ts', `export const scenario = {};\n`);
  const e = await rejected(() => loadScenario(p));
  assert.match(e.message, /no default export/);
  assert.match(e.hint ?? '', /export default defineScenario/);
});

test('live and simulation scenarios go through one file loader: the same errors for the same mistakes', async () => {
  const broken = file('broken-any.ts', `export default { name: 'x', ,, \n`);
  const nodefault = file('nodefault-any.ts', `export const x = 1;\n`);
  for (const load of [loadScenario, loadAnyScenario, loadSimulation]) {
    const missing = await rejected(() => load(join(dir, 'missing.ts')));
    assert.is(missing.code, 'SCENARIO_NOT_FOUND');
    assert.match(missing.hint ?? '', /scenario files in .*broken-any\.ts/);
    const b = await rejected(() => load(broken));
    assert.is(b.code, 'INVALID_SCENARIO');
    assert.match(b.message, /broken-any\.ts could not be loaded/);
    assert.is(b.issues.length, 1);
  }
  // the loaders that need a default export say how to write one (the simulation one names both kinds)
  assert.match((await rejected(() => loadScenario(nodefault))).hint ?? '', /defineScenario\(\{ name: 'nodefault-any'/);
  assert.match((await rejected(() => loadAnyScenario(nodefault))).hint ?? '', /or defineSimulation/);
});

test(
  'importScenarioFile names the example when the folder is missing, and checks the default export only ' + 'when asked',
  async () => {
    const e = await rejected(() =>
      importScenarioFile(join(dir, 'no-such-dir', 'x.ts'), { example: 'scenarios/smoke.ts' }),
    );
    assert.is(e.code, 'SCENARIO_NOT_FOUND');
    assert.match(e.hint ?? '', /e\.g\. scenarios\/smoke\.ts/);
    const p = file('named-only.ts', `export const x = 42;\n`);
    const mod = (await importScenarioFile(p, { example: 'scenarios/smoke.ts' })) as { default?: unknown; x?: number };
    assert.is(mod.default, undefined);
    assert.is(mod.x, 42);
    const n = await rejected(() => importScenarioFile(p, { example: 'e.ts', noDefaultHint: 'write one' }));
    assert.is(n.code, 'INVALID_SCENARIO');
    assert.is(n.hint, 'write one');
  },
);

test('an invalid file lists its problems with the file name', async () => {
  const p = file(
    'invalid.ts',
    `export default { name: 'x', target: { type: 'function', builtin: 'noop' }, executors: { main: { ` +
      `executor: 'constant-vus', vus: 0, duration: '1s' } } };\n`,
  );
  const e = await rejected(() => loadScenario(p));
  assert.match(e.message, /invalid\.ts is invalid \(1 problem\)/);
  assert.equal(paths(e), ['/executors/main/vus']);
});

test.run();
