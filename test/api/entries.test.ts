/**
 * The public entries (index.ts and api/*.ts, package.json "exports"), imported the way users do:
 * through the package name, as ES modules (tsx, scenario files, the CLI) and as CommonJS from the
 * bundle notebooks load (dist/, built by bin/build-cjs.js, required by plain node without tsx).
 * Each entry must work (test/fixtures/api-smoke.cjs makes one real call through it), expose the
 * same names in both builds, keep the root small, keep internals out and give every name one home.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const { ENTRIES, smoke } = await import('../fixtures/api-smoke.cjs');
type Result = import('../fixtures/api-smoke.cjs').SmokeResult;

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, Record<string, string>>;
  typesVersions: Record<string, Record<string, string[]>>;
  types: string;
};
/** the declaration file bin/build-types.js emits for an entry's .ts source: what tslab (node10) reads */
const declarationOf = (source: string) => source.replace(/^\.\//, './dist/types/').replace(/\.ts$/, '.d.ts');
const subpaths = Object.keys(pkg.exports).filter((k) => k !== '.');

let esm: Result;

test('package.json lists the same entries in "exports", "typesVersions" and this test', () => {
  assert.equal(
    subpaths.map((s) => s.slice(2)),
    ENTRIES.filter((e) => e !== 'pipelab'),
  );
  const tv = pkg.typesVersions['*']!;
  for (const s of subpaths)
    assert.equal(tv[s.slice(2)], [declarationOf(pkg.exports[s]!.types!)], `typesVersions of ${s}`);
  assert.is(pkg.types, declarationOf(pkg.exports['.']!.types!));
});

test('every entry works as an ES module imported by package name', async () => {
  esm = await smoke((s) => import(s));
  assert.is(esm.figures.pipelab!.durationMs, 90_000);
  assert.is(esm.figures.pipelab!.sameErrorClass, true);
  assert.is(esm.figures.broker!.nodes, 1);
  assert.is(esm.figures.pipeline!.count, 3);
  assert.is(esm.figures.engine!.ok, true);
  assert.ok((esm.figures.sim!.generated as number) > 0);
  assert.is(esm.figures.sim!.mm1Wait, 0.5);
  assert.is(esm.figures.drift!.ks, 0);
  assert.match(esm.figures.reports!.firstLine as string, /^# simulation/);
  assert.is(esm.figures.k6!.executor, 'constant-arrival-rate');
});

test('every entry works from the CommonJS bundle, with the same names and figures', () => {
  const b = spawnSync(process.execPath, [join(root, 'bin', 'build-cjs.js'), '--quiet'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.is(b.status, 0, b.stderr);
  for (const d of [pkg.types, ...Object.values(pkg.typesVersions['*']!).flat()])
    assert.ok(existsSync(join(root, d)), `${d} built`);
  // plain node (no tsx): what tslab does with `import { x } from 'pipelab/sim'`
  const script =
    "require('./test/fixtures/api-smoke.cjs').smoke(async (s) => require(s))" +
    '.then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); });';
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  const cjs = JSON.parse(r.stdout) as Result;
  assert.equal(cjs.names, esm.names);
  assert.equal(cjs.figures, esm.figures);
});

test('the root entry stays small: at most 60 runtime names', () => {
  assert.ok(esm.names.pipelab!.length <= 60, `${esm.names.pipelab!.length} names`);
});

test('every runtime name has one home (no name exported by two entries)', () => {
  const home = new Map<string, string>();
  for (const [entry, names] of Object.entries(esm.names)) {
    for (const n of names) {
      assert.not.ok(home.has(n), `${n} is exported by both ${home.get(n)} and ${entry}`);
      home.set(n, entry);
    }
  }
});

test('internals stay unexported', () => {
  const all = new Set(Object.values(esm.names).flat());
  for (const n of ['EventQueue', 'lgamma', 'erfc', 'partitionOf', 'epochNow', 'CLUSTER', 'AliasTable', 'fmtSimTime'])
    assert.not.ok(all.has(n), `${n} is exported`);
});

// tslab keeps a notebook's earlier cells as declarations that name types by extension-less path
// (`import("../generators/drift").NumericStream`); with generators/drift.ts beside generators/drift/
// that path resolved to the file, the type became `any`, and 02-drift-lab failed to type-check.
test('no source module shares its name with a folder beside it', () => {
  const clashes: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      if (['node_modules', 'dist', '.git', 'test'].includes(e.name)) continue;
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (existsSync(join(root, `${rel}.ts`)) && statSync(join(root, `${rel}.ts`)).isFile()) clashes.push(rel);
        walk(rel);
      }
    }
  };
  walk('');
  assert.equal(clashes, [], `rename the module or the folder: ${clashes.join(', ')}`);
});

test.run();
