#!/usr/bin/env node
// Builds the CLI's ESM bundle, dist/cli/<id>/, which bin/pipelab.js runs instead of the .ts
// sources when it is fresh (bin/cli-bundle.js). Why: through tsx, every `pipelab` process
// resolved and transpiled its few hundred harness/**/*.ts files one by one in tsx's hooks (off
// the main thread in Node 20): 1.8-2.2 CPU-s for `pipelab --help` against ~0.7 from the bundle,
// and the CLI tests spawn pipelab hundreds of times. `npm test` (bin/run-tests.js) builds it
// first, `prepack` ships it in the package; a fresh clone without dist/ runs the sources.
//
// One module graph: esbuild with code splitting over the CLI (harness/cli/main.ts) and every
// entry of package.json "exports" (index.ts → pipelab.mjs, api/sim.ts → sim.mjs, …), so the CLI
// and a scenario file's `import … from 'pipelab'` or 'pipelab/<subpath>' (which
// harness/cli/resolve-pipelab.mjs sends to these files) share one instance of every module: one
// secrets registry, one PipelabError class. Each command module, loaded on demand by main.ts,
// stays a chunk of its own.
//
// import.meta.url: our modules find files beside them through it (package.json, models/,
// bin/pipelab.js for child processes, worker-thread entries started from the .ts sources via
// tsx, which ship with the package). Each module's import.meta.url is rewritten to its source
// file's URL, computed relative to the chunk (`new URL('../../../harness/cli/workers.ts',
// import.meta.url)`), so every such lookup finds what it finds from the sources, at any depth,
// wherever the package is installed.
//
// Each build goes to a folder named by a hash of its output, and dist/cli/manifest.json, written
// last through a rename, names it: a CLI already running keeps loading its lazy chunks from its own
// folder while the next build lands beside it. Folders other than the current one are removed
// after a day (--prune, for npm pack: at once). The manifest lists what the build read (see
// bin/cli-bundle.js for the check).
//   node bin/build-cli.js [--quiet] [--if-stale] [--prune]
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_DIST, changedInputOrRefresh, MANIFEST, readManifest, sha1 } from './cli-bundle.js';
import { writeAtomic } from './write-atomic.js';

const KEEP_OLD_MS = 24 * 3600_000;

/** the entries: the CLI, and one per package.json "exports" entry, by output name */
function entryPoints(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const points = { main: join(root, 'harness', 'cli', 'main.ts') };
  const entries = {};
  for (const [subpath, conditions] of Object.entries(pkg.exports)) {
    const source = conditions.default;
    if (typeof source !== 'string' || !source.endsWith('.ts'))
      throw new Error(`package.json exports["${subpath}"] needs a .ts default`);
    const name = subpath === '.' ? 'pipelab' : subpath.slice(2);
    points[name] = join(root, source);
    entries[subpath === '.' ? 'pipelab' : `pipelab/${name}`] = `${name}.mjs`;
  }
  return { points, entries };
}

/** [size, mtimeMs, sha1] of a file: stat first, so a write after the stat moves its mtime */
function fingerprint(path, content) {
  const st = statSync(path);
  return [st.size, st.mtimeMs, sha1(content ?? readFileSync(path))];
}

/** esbuild plugin: records every source it loads and rewrites its import.meta.url (see above) */
function sourcesPlugin(root, outdir, inputs) {
  return {
    name: 'pipelab-sources',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes('/node_modules/')) return undefined;
        const st = statSync(args.path);
        const text = readFileSync(args.path, 'utf8');
        inputs[relative(root, args.path)] = [st.size, st.mtimeMs, sha1(text)];
        if (/\bimport\.meta\.(?!url\b)\w/.test(text))
          throw new Error(`${args.path}: import.meta other than .url is not rewritten for the bundle`);
        const url = JSON.stringify(relative(outdir, args.path).split('\\').join('/'));
        return {
          contents: text.replace(/\bimport\.meta\.url\b/g, `new URL(${url}, import.meta.url).href`),
          loader: 'ts',
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

/** builds the bundle (unless `ifStale` and it is fresh); returns what it did */
export async function buildCli(root, { ifStale = false, prune = false } = {}) {
  const old = readManifest(root);
  if (ifStale && old?.version === 1 && changedInputOrRefresh(root, old) === undefined)
    return { built: false, dir: old.dir };
  const { points, entries } = entryPoints(root);
  const inputs = {};
  for (const f of ['package.json', 'tsconfig.json', join('bin', 'build-cli.js'), join('bin', 'cli-bundle.js')])
    inputs[f] = fingerprint(join(root, f));
  // the output's depth below the root is what the import.meta.url rewrite assumes: build into a
  // scratch folder of the same depth (in memory: write: false), then write it under its hash
  const scratch = join(root, CLI_DIST, `tmp-${process.pid}`);
  const result = await build({
    entryPoints: points,
    outdir: scratch,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    metafile: true,
    write: false,
    logLevel: 'warning',
    plugins: [sourcesPlugin(root, scratch, inputs)],
    banner: { js: '// generated by bin/build-cli.js from the .ts sources: do not edit' },
  });
  for (const f of Object.keys(result.metafile.inputs)) {
    const rel = relative(root, join(process.cwd(), f));
    inputs[rel] ??= fingerprint(join(root, rel)); // a non-.ts input (JSON)
  }
  const files = result.outputFiles.map((f) => ({ name: relative(scratch, f.path), contents: f.contents }));
  const id = sha1(Buffer.concat(files.flatMap((f) => [Buffer.from(f.name), f.contents]))).slice(0, 12);
  const dir = join(root, CLI_DIST, id);
  for (const f of files) writeAtomic(join(dir, f.name), f.contents);
  const manifest = { version: 1, dir: id, main: 'main.mjs', entries, inputs };
  writeAtomic(join(root, MANIFEST), `${JSON.stringify(manifest)}\n`);
  removeOldBuilds(root, id, prune ? 0 : KEEP_OLD_MS);
  return { built: true, dir: id, files: files.length, inputs: Object.keys(inputs).length };
}

function removeOldBuilds(root, current, keepMs) {
  const base = join(root, CLI_DIST);
  for (const name of readdirSync(base)) {
    const p = join(base, name);
    if (name === current || name === 'manifest.json' || name.endsWith('.tmp')) continue;
    try {
      if (Date.now() - statSync(p).mtimeMs >= keepMs) rmSync(p, { recursive: true, force: true });
    } catch {
      // removed by a build beside this one
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = Date.now();
  const root = fileURLToPath(new URL('..', import.meta.url));
  const flag = (f) => process.argv.includes(f);
  const r = await buildCli(root, { ifStale: flag('--if-stale'), prune: flag('--prune') });
  if (!process.argv.includes('--quiet'))
    console.log(
      r.built
        ? `built ${join(CLI_DIST, r.dir)}/ (${r.files} files from ${r.inputs} inputs) in ${Date.now() - t0} ms`
        : `${join(CLI_DIST, r.dir)}/ is up to date`,
    );
}
