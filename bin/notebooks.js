#!/usr/bin/env node
// The notebooks, one command each (docs/notebooks.md):
//   npm run notebooks   re-executes every notebooks/*.ipynb and writes it back with its outputs
//                       (charts, tables), so a notebook reads in any viewer; fails on a cell's
//                       error or a TypeScript diagnostic, naming the notebook and the cell.
//   npm run notebook    builds what tslab needs, installs the kernel into .jupyter/ (git-ignored,
//                       nothing in ~/.local) and opens Jupyter on notebooks/.
// Both need Debian's Jupyter (.ci/install-tools.sh); opening also needs a notebook UI
// (`apt-get install jupyter-notebook`, or `pip install notebook`).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const prefix = join(root, '.jupyter');
const env = {
  ...process.env,
  JUPYTER_PATH: join(prefix, 'share', 'jupyter'),
  JUPYTER_CONFIG_DIR: join(prefix, 'config'),
  JUPYTER_DATA_DIR: join(prefix, 'data'),
  JUPYTER_RUNTIME_DIR: join(prefix, 'runtime'),
  FORCE_COLOR: '0',
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit', ...opts });
  if (r.error?.code === 'ENOENT') fail(`${cmd} not found: install Jupyter with .ci/install-tools.sh`);
  return r;
}

function fail(message) {
  process.stderr.write(`notebooks: ${message}\n`);
  process.exit(1);
}

/** the CommonJS build the notebooks import, and the tslab kernel in .jupyter/ */
function setUp() {
  if (run(process.execPath, [join(root, 'bin', 'build-cjs.js'), '--quiet']).status !== 0) fail('build-cjs failed');
  const tslab = join(root, 'node_modules', '.bin', 'tslab');
  const k = run(tslab, ['install', '--python=/usr/bin/python3', `--binary=${tslab}`, `--prefix=${prefix}`], {
    stdio: 'pipe',
  });
  if (k.status !== 0) fail(`tslab install failed: ${k.stderr}`);
}

/** the errors and TypeScript diagnostics an executed notebook holds, one string each */
function problemsOf(file) {
  const nb = JSON.parse(readFileSync(file, 'utf8'));
  const problems = [];
  for (const cell of nb.cells) {
    const outputs = cell.outputs ?? [];
    const stderr = outputs
      .filter((o) => o.output_type === 'stream' && o.name === 'stderr')
      .map((o) => [o.text].flat().join(''))
      .join('');
    const errors = outputs.filter((o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`);
    // a TypeScript diagnostic, or an exception the cell threw (tslab prints its stack to stderr, no error output)
    if (/^\d+:\d+ - /m.test(stderr) || /^\s+at .*(evalmachine|\(|:\d+:\d+)/m.test(stderr)) errors.push(stderr.trim());
    for (const e of errors) problems.push(`${e}\n  in the cell:\n${[cell.source].flat().join('')}`);
  }
  return problems;
}

/** every notebook, or those whose name contains one of `only` (`npm run notebooks -- 04 drift`) */
function executeAll(only) {
  const dir = join(root, 'notebooks');
  const notebooks = readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb') && (only.length === 0 || only.some((o) => f.includes(o))))
    .sort();
  if (notebooks.length === 0) fail(`no notebook in notebooks/ matches ${only.join(', ')}`);
  let failed = 0;
  for (const nb of notebooks) {
    process.stderr.write(`executing ${nb}\n`);
    const args = ['nbconvert', '--to', 'notebook', '--execute', '--inplace', '--allow-errors'];
    args.push('--ExecutePreprocessor.timeout=300', '--ExecutePreprocessor.kernel_name=tslab', nb);
    const r = run('jupyter', args, { cwd: dir, stdio: ['ignore', 'inherit', 'pipe'] });
    if (r.status !== 0) {
      failed++;
      process.stderr.write(`${nb}: nbconvert failed\n${String(r.stderr).split('\n').slice(-20).join('\n')}\n`);
      continue;
    }
    const problems = problemsOf(join(dir, nb));
    if (problems.length) {
      failed++;
      process.stderr.write(`${nb}: ${problems.length} failing cell(s)\n${problems.join('\n\n')}\n`);
    }
  }
  if (failed) fail(`${failed} of ${notebooks.length} notebooks failed (their outputs are written; fix and re-run)`);
  process.stderr.write(`${notebooks.length} notebooks executed and written back with their outputs\n`);
}

const mode = process.argv[2];
if (mode === 'execute') {
  setUp();
  executeAll(process.argv.slice(3));
} else if (mode === 'open') {
  setUp();
  const ui = ['notebook', 'lab'].find((c) => spawnSync('jupyter', [c, '--version'], { stdio: 'ignore' }).status === 0);
  if (!ui) fail('no notebook UI: apt-get install jupyter-notebook (or pip install notebook), then run this again');
  process.stderr.write(`kernel tslab installed in ${prefix}; opening jupyter ${ui} on notebooks/\n`);
  process.exitCode = run('jupyter', [ui, join(root, 'notebooks')]).status ?? 1;
} else fail('usage: node bin/notebooks.js execute [name…] | open');
