/**
 * Executes every notebooks/*.ipynb with Jupyter's nbconvert on the tslab kernel and fails when a
 * cell errors. The kernel is registered into a temporary prefix (nothing in ~/.local), and the
 * CommonJS build the notebooks import (dist/pipelab.cjs) is rebuilt first. See docs/notebooks.md.
 *
 * The notebooks run in place (cwd notebooks/, outputs to the temporary prefix) and are typed the
 * way a user's kernel types them: tslab resolves modules as TypeScript's `node10`, which reads
 * package.json "types" and "typesVersions" (never "exports"), and those point at the declaration
 * files the build emits into dist/types/ (bin/build-types.js), shipped in the package (npm pack
 * runs the same build), beside the dist/*.cjs the cells' require() loads. Before, they pointed at
 * the .ts sources, and every kernel type-checked the whole library again: ~20 CPU seconds a
 * notebook, here and in users' notebooks. One test below checks that the declarations really type
 * the API (a wrong use is a type error), so the cells are not checked against `any`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveTool } from '../helpers/tools.ts';
import { type Execution, executeAll } from './run-notebooks.ts';

const root = new URL('../..', import.meta.url).pathname;
const notebooks = readdirSync(join(root, 'notebooks'))
  .filter((f) => f.endsWith('.ipynb'))
  .sort();

/** a stack frame of an exception a cell threw (tslab prints it to stderr: `    at evalmachine.<anonymous>:3:9`) */
const THROWN = /^\s+at .*(evalmachine|\(|:\d+:\d+)/m;
/**
 * notebooks at a time: much of a notebook is waiting (its kernel's start, live runs at a set rate),
 * and one at a time held one of the runner's two slots for minutes
 */
const JOBS = Number(process.env.PIPELAB_NOTEBOOK_JOBS ?? 2);

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
  data?: Record<string, unknown>;
}
interface Notebook {
  cells: {
    cell_type: string;
    source: string | string[];
    outputs?: Output[];
    metadata?: { execution?: Record<string, string> };
  }[];
}

/**
 * the seconds a notebook took when it was last executed and committed (nbclient's timestamps of
 * its first and last code cell): the longest start first, so the longest is not the last to start
 */
function storedSeconds(nb: string): number {
  const stored = JSON.parse(readFileSync(join(root, 'notebooks', nb), 'utf8')) as Notebook;
  const times = stored.cells.map((c) => c.metadata?.execution).filter((e) => e !== undefined);
  const t = (s: string | undefined) => Date.parse(s ?? '');
  const seconds = (t(times.at(-1)?.['iopub.status.idle']) - t(times[0]?.['iopub.status.busy'])) / 1000;
  return Number.isFinite(seconds) ? seconds : 0;
}

// needs no Jupyter: it reads the files as committed
test('every notebook is committed executed: each code cell ran, and its charts and tables are stored', () => {
  for (const nb of notebooks) {
    const stored = JSON.parse(readFileSync(join(root, 'notebooks', nb), 'utf8')) as Notebook;
    const code = stored.cells.filter((c) => c.cell_type === 'code');
    // tslab leaves execution_count null; nbclient records each executed cell's timing
    const unrun = code.filter((c) => !c.metadata?.execution).length;
    assert.is(unrun, 0, `${nb}: ${unrun} of ${code.length} code cells stored unexecuted (run npm run notebooks)`);
    const rich = code.flatMap((c) => (c.outputs ?? []).flatMap((o) => Object.keys(o.data ?? {})));
    assert.ok(rich.length > 0, `${nb}: no outputs stored (run npm run notebooks)`);
    const errors = code.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === 'error'));
    assert.is(errors.length, 0, `${nb}: stored with an error output`);
    const thrown = code.flatMap((c) =>
      (c.outputs ?? []).filter((o) => o.name === 'stderr' && THROWN.test([o.text].flat().join(''))),
    );
    assert.is(thrown.length, 0, `${nb}: stored with a cell that threw (its stack is on stderr)`);
  }
});

if (haveTool('jupyter', ['nbconvert', '--version'], 'jupyter nbconvert')) {
  const tmp = mkdtempSync(join(tmpdir(), 'pipelab-nb-'));
  mkdirSync(join(tmp, 'tmp'));
  const env = {
    ...process.env,
    JUPYTER_PATH: join(tmp, 'share', 'jupyter'),
    JUPYTER_CONFIG_DIR: join(tmp, 'config'),
    JUPYTER_DATA_DIR: join(tmp, 'data'),
    JUPYTER_RUNTIME_DIR: join(tmp, 'runtime'),
    // nbclient's kernel connection files and the kernels' own temporary files: in the prefix, so
    // a killed run leaves nothing in /tmp
    TMPDIR: join(tmp, 'tmp'),
    FORCE_COLOR: '0',
    // the parameter cell of 04 and 05: every cell runs, the long simulations and ramps shorter
    // (04's spike over 2 simulated minutes instead of 6, 05's ramps 2 s instead of 5)
    PIPELAB_NOTEBOOK_QUICK: '1',
  };
  // the prefix goes however this process ends: after the tests, on a crash, on a signal (which
  // would otherwise end it without 'exit'; run-notebooks.ts kills the kernels first)
  const removeTmp = () => rmSync(tmp, { recursive: true, force: true });
  test.after(removeTmp);
  process.on('exit', removeTmp);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(signal, () => {
      console.error(`notebooks.test.ts: received ${signal}`);
      process.exit(1);
    });

  test('the CommonJS build and the tslab kernel install', () => {
    const b = spawnSync(process.execPath, [join(root, 'bin', 'build-cjs.js'), '--quiet'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.is(b.status, 0, b.stderr);
    assert.ok(existsSync(join(root, 'dist', 'pipelab.cjs')));
    const k = spawnSync(
      join(root, 'node_modules', '.bin', 'tslab'),
      [
        'install',
        '--python=/usr/bin/python3',
        `--binary=${join(root, 'node_modules', '.bin', 'tslab')}`,
        `--prefix=${tmp}`,
      ],
      { cwd: root, env, encoding: 'utf8' },
    );
    assert.is(k.status, 0, k.stdout + k.stderr);
    assert.ok(existsSync(join(tmp, 'share', 'jupyter', 'kernels', 'tslab', 'kernel.json')));
  });

  test('the declarations tslab reads type the API: a wrong use of it is a type error', () => {
    // tslab's own resolver and converter, from notebooks/ as a kernel there: 'pipelab' and a
    // subpath resolve to dist/types/, and a cell misusing the API gets TypeScript's diagnostic
    const script = `
      const tslabDir = require('node:path').dirname(require.resolve('tslab/package.json'));
      const ts = require(require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] }));
      const { createConverter } = require(tslabDir + '/dist/converter.js');
      const opts = { moduleResolution: ts.ModuleResolutionKind.Node10 };
      const at = process.cwd() + '/cell.ts';
      const resolved = ['pipelab', 'pipelab/sim'].map(
        (m) => ts.resolveModuleName(m, at, opts, ts.sys).resolvedModule?.resolvedFileName);
      const conv = createConverter();
      const cell = (src) => (conv.convert('', src).diagnostics ?? []).map((d) => d.messageText);
      const wrong = cell("import { validateScenario } from 'pipelab';\\nconst n: number = validateScenario({}).name;");
      const right = cell("import { mm1 } from 'pipelab/sim';\\nconst w: number = mm1(1, 2).pWait;");
      conv.close();
      process.stdout.write(JSON.stringify({ resolved, wrong, right }));`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: join(root, 'notebooks'), encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const { resolved, wrong, right } = JSON.parse(r.stdout) as Record<string, string[]>;
    assert.equal(resolved, [join(root, 'dist/types/index.d.ts'), join(root, 'dist/types/api/sim.d.ts')]);
    assert.equal(right, [], 'a right use type-checks');
    assert.equal(wrong, ["Type 'string' is not assignable to type 'number'."]);
  });

  test('there is at least one notebook', () => {
    assert.ok(notebooks.includes('01-quickstart.ipynb'), notebooks.join(', '));
  });

  const out = join(tmp, 'out');
  let results: Map<string, Promise<Execution>> | undefined;
  // all notebooks start with the first notebook's test, JOBS at a time; each test awaits its own
  const start = () =>
    (results ??= executeAll(
      [...notebooks].sort((a, b) => storedSeconds(b) - storedSeconds(a)),
      {
        args: (nb) => [
          'nbconvert',
          '--to',
          'notebook',
          '--execute',
          // run every cell and keep its error in the output notebook, so a failure below names the
          // cell's own error (a type error, an exception) rather than nbconvert's Python traceback
          '--allow-errors',
          // a guard against a hung cell, not a time limit: a simulation cell of 04 took 120 s
          // under a load of 15 on 2 cores (npm run notebooks allows 300 s too)
          '--ExecutePreprocessor.timeout=300',
          '--ExecutePreprocessor.kernel_name=tslab',
          '--output-dir',
          out,
          nb,
        ],
        cwd: join(root, 'notebooks'),
        env,
        jobs: JOBS,
        // under the runner's 600 s per file, so this names the notebook that hangs
        timeoutMs: 540_000,
      },
    ));

  for (const nb of notebooks) {
    test(`notebook ${nb} runs every cell without an error`, async () => {
      const r = await start().get(nb)!;
      const tail = (r.stderr ?? '')
        .split('\n')
        .filter((l) => !/MissingIDFieldWarning|validate\(nb\)/.test(l))
        .slice(-25)
        .join('\n');
      assert.is(r.status, 0, `nbconvert failed for ${nb}: ${r.cause || `exit ${r.status}`}\n${tail}`);
      const done = JSON.parse(readFileSync(join(out, nb), 'utf8')) as Notebook;
      const outputs = done.cells.flatMap((c) => c.outputs ?? []);
      const stderrOf = (o: Output): string => [o.text].flat().join('');
      const errors = done.cells.flatMap((c) =>
        (c.outputs ?? [])
          .filter((o) => o.output_type === 'error')
          .map((e) => {
            const diagnostics = (c.outputs ?? []).filter((o) => o.name === 'stderr').map(stderrOf);
            return `${e.ename}: ${e.evalue}\n${diagnostics.join('')}in the cell:\n${[c.source].flat().join('')}`;
          }),
      );
      assert.is(errors.length, 0, errors.join('\n\n'));
      // tslab prints TypeScript diagnostics to stderr rather than raising; treat them as failures. A cell that
      // throws is no error output either: tslab prints the exception and its stack to stderr and skips the
      // remaining cells, so a V8 stack frame on stderr fails the notebook too
      const stderr = outputs
        .filter((o) => o.output_type === 'stream' && o.name === 'stderr')
        .map(stderrOf)
        .join('');
      assert.not.match(stderr, /^\d+:\d+ - /m, stderr);
      assert.not.match(stderr, THROWN, stderr);
      if (nb === '01-quickstart.ipynb' || nb === '02-drift-lab.ipynb') {
        const rich = outputs.flatMap((o) => Object.keys(o.data ?? {}));
        assert.ok(
          rich.includes('text/html') || rich.includes('image/png') || rich.includes('image/svg+xml'),
          `a chart is displayed inline (outputs: ${rich.join(', ')})`,
        );
      }
    });
  }
}

test.run();
