/**
 * k6-script: the generated scripts type-check against @types/k6 (TypeScript's own compiler),
 * bundle with esbuild, and, evaluated with the k6 modules stubbed, export exactly the mapped
 * options and make the scenario's HTTP request with a status check. k6 itself is not available
 * here (no binary in npm or Debian), so this is as close to running it as we can get.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInThisContext } from 'node:vm';
import ts from 'typescript';
import { build } from 'esbuild';
import { bundleK6Script, jsLiteral, k6Script } from '../../../harness/export/k6-script.ts';
import { loadScenario, type Scenario } from '../../../harness/scenario/index.ts';

const root = new URL('../../..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'pipelab-k6-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const load = (p: string) => loadScenario(join(root, p));
const EXAMPLE = 'scenarios/http-example.ts';
const RICH = 'test/fixtures/scenarios/k6-rich.ts';
/** the rich fixture's authorization header comes from the environment */
const RICH_ENV = { PIPELAB_HTTP_HEADER_AUTHORIZATION: 'Bearer x' };

/** TypeScript diagnostics of one file compiled against @types/k6 only (as a k6 project would) */
function typeErrors(name: string, source: string): string[] {
  const file = join(tmp, name);
  writeFileSync(file, source);
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2020,
    lib: ['lib.es2020.d.ts'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: ['k6'],
    typeRoots: [join(root, 'node_modules', '@types')],
    noUnusedLocals: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

interface Call {
  method: string;
  url: string;
  body: unknown;
  params: { headers?: Record<string, string>; timeout?: string };
}
interface Evaluated {
  options: unknown;
  calls: Call[];
  checks: Record<string, boolean>[];
  expected: unknown[];
}

/**
 * bundle the JavaScript k6 would load, with k6 and k6/http replaced by recording stubs, and run its default function
 * once
 */
async function evaluate(
  js: string,
  name: string,
  status = 200,
  env: Record<string, string> = RICH_ENV,
): Promise<Evaluated> {
  const stubs: Record<string, string> = {
    k6:
      `export function check(v, sets) { const r = {}; for (const [k, f] of Object.entries(sets)) r[k] = ` +
      `f(v); globalThis.__k6.checks.push(r); return Object.values(r).every(Boolean); }`,
    'k6/http': `export default {
      request(method, url, body, params) {
        globalThis.__k6.calls.push({ method, url, body, params });
        return { status: globalThis.__k6.status };
      },
      expectedStatuses(...a) { return a; },
      setResponseCallback(cb) { globalThis.__k6.expected.push(cb); },
    };`,
  };
  const out = await build({
    stdin: { contents: js, loader: 'js', resolveDir: tmp },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    plugins: [
      {
        name: 'k6-stubs',
        setup(b) {
          b.onResolve({ filter: /^k6(\/.*)?$/ }, (a) => ({ path: a.path, namespace: 'k6' }));
          b.onLoad({ filter: /.*/, namespace: 'k6' }, (a) => ({
            contents: stubs[a.path] ?? 'export {}',
            loader: 'js',
          }));
        },
      },
    ],
  });
  const file = join(tmp, `${name}.mjs`);
  writeFileSync(file, out.outputFiles[0]!.text);
  const state = { calls: [] as Call[], checks: [] as Record<string, boolean>[], expected: [] as unknown[], status };
  (globalThis as Record<string, unknown>).__k6 = state;
  (globalThis as Record<string, unknown>).__ENV = env;
  const mod = (await import(pathToFileURL(file).href)) as { options: unknown; default: () => void };
  mod.default();
  return { options: mod.options, ...state };
}

for (const [label, path] of [
  ['http-example', EXAMPLE],
  ['the rich fixture', RICH],
] as const) {
  test(`the TypeScript script for ${label} type-checks against @types/k6`, async () => {
    const k6 = k6Script(await load(path), { typescript: true });
    assert.equal(typeErrors(`${label.replace(/\W/g, '')}.ts`, k6.script), []);
  });

  test(`the JavaScript script for ${label} exports exactly the mapped options and makes the request`, async () => {
    const s = await load(path);
    const k6 = k6Script(s);
    const r = await evaluate(k6.script, `${label.replace(/\W/g, '')}-js`);
    assert.equal(r.options, k6.options);
    assert.is(r.calls.length, 1);
    assert.is(r.calls[0]!.url, (s.target as { url: string }).url);
    assert.is(r.checks.length, 1);
    assert.ok(Object.values(r.checks[0]!).every(Boolean), 'a 200 passes the status check');
  });

  test(`the bundle of the TypeScript script for ${label} behaves like the JavaScript one`, async () => {
    const s = await load(path);
    const k6 = k6Script(s, { typescript: true });
    const js = await bundleK6Script(k6.script);
    assert.not.match(js, /: Options|: void|import type/, 'types are stripped');
    assert.match(js, /from "k6\/http"/, 'k6 modules stay imports for k6 to provide');
    const r = await evaluate(js, `${label.replace(/\W/g, '')}-bundle`);
    assert.equal(r.options, k6.options);
    assert.equal(r.calls, (await evaluate(k6Script(s).script, `${label.replace(/\W/g, '')}-js2`)).calls);
  });
}

test('a script with a wrong k6 option does not type-check (the check can fail)', async () => {
  const k6 = k6Script(await load(EXAMPLE), { typescript: true });
  const broken = k6.script
    .replace('preAllocatedVUs: 20,', '')
    .replace('executor: "ramping-arrival-rate"', 'executor: "ramping-arrival-rates"');
  assert.is.not(broken, k6.script);
  assert.ok(typeErrors('broken.ts', broken).length > 0);
});

test('the rich fixture POSTs its JSON body with its headers and timeout; 404 counts as ok, 500 not', async () => {
  const s: Scenario = await load(RICH);
  const ok = await evaluate(k6Script(s).script, 'rich-404', 404);
  assert.equal(ok.calls[0], {
    method: 'POST',
    url: 'http://127.0.0.1:9/score',
    body: JSON.stringify({ userId: 'u1', amount: 12.5 }),
    params: { headers: { authorization: 'Bearer x', 'content-type': 'application/json' }, timeout: '2s' },
  });
  assert.equal(ok.checks, [{ 'status is 2xx or 404': true }]);
  assert.equal(ok.expected, [[{ min: 200, max: 299 }, 404]], 'http_req_failed counts what pipelab counts as errors');
  const bad = await evaluate(k6Script(s).script, 'rich-500', 500);
  assert.equal(bad.checks, [{ 'status is 2xx or 404': false }]);
});

test('the script says on line 1 that it is generated, and lists what was left out', async () => {
  const k6 = k6Script(await load(RICH));
  assert.match(k6.script.split('\n')[0]!, /^\/\/ Generated by `pipelab export k6` from .*k6-rich\.ts/);
  assert.match(k6.script, /\/\/ {3}\/thresholds\/latency\/1 latency: 'p\(99\)<500 in every 10s window'/);
  assert.not.match(k6.script.replace(/^\/\/.*$/gm, ''), 'in every', 'the windowed threshold is only in a comment');
});

test('secrets are read from __ENV, never written into the script; the request is the same', async () => {
  const s = await load('test/fixtures/scenarios/k6-secrets.ts');
  const k6 = k6Script(s);
  for (const secret of ['hunter22', 'tok-123456', 'pw-body-9999', 'ak-777777', 'bearer-abcdef'])
    assert.not.ok(k6.script.includes(secret), `${secret} is not in the script`);
  const env = {
    PIPELAB_HTTP_PASSWORD: 'hunter22',
    PIPELAB_HTTP_QUERY_TOKEN: 'tok-123456',
    PIPELAB_HTTP_BODY_PASSWORD: 'pw-body-9999',
    PIPELAB_HTTP_BODY_APIKEY: 'ak-777777',
    PIPELAB_HTTP_HEADER_AUTHORIZATION: 'Bearer bearer-abcdef',
  };
  assert.equal([...k6.env].sort(), Object.keys(env).sort());
  const r = await evaluate(k6.script, 'secrets', 200, env);
  const t = s.target as { url: string; body: unknown; headers: Record<string, string> };
  assert.is(r.calls[0]!.url, t.url);
  assert.equal(JSON.parse(r.calls[0]!.body as string), t.body);
  assert.equal(r.calls[0]!.params.headers, { ...t.headers, 'content-type': 'application/json' });
  assert.equal(typeErrors('secrets.ts', k6Script(s, { typescript: true }).script), []);
  // a variable not set stops the script at start, naming it
  const missing = { ...env, PIPELAB_HTTP_QUERY_TOKEN: undefined } as unknown as Record<string, string>;
  await evaluate(k6.script, 'secrets-missing', 200, missing).then(
    () => assert.unreachable('a missing secret must throw'),
    (e: Error) => assert.match(e.message, 'set PIPELAB_HTTP_QUERY_TOKEN'),
  );
});

test('jsLiteral prints bare keys where it can and short values on one line', () => {
  assert.is(jsLiteral({ a: 1, 'b-c': [1, 2], d: { e: 'x' } }), '{ a: 1, "b-c": [1, 2], d: { e: "x" } }');
  // the printed literal is valid JavaScript for the same value
  assert.equal(runInThisContext(`(${jsLiteral({ long: 'x'.repeat(120), n: [1] })})`), {
    long: 'x'.repeat(120),
    n: [1],
  });
});

test.run();
