/**
 * Executes every notebooks/*.ipynb with Jupyter's nbconvert on the tslab kernel and fails when a
 * cell errors. The kernel is registered into a temporary prefix (nothing in ~/.local), and the
 * CommonJS build the notebooks import (dist/pipelab.cjs) is rebuilt first. See docs/notebooks.md.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveTool } from '../helpers/tools.ts';

const root = new URL('../..', import.meta.url).pathname;
const notebooks = readdirSync(join(root, 'notebooks'))
  .filter((f) => f.endsWith('.ipynb'))
  .sort();

/** a stack frame of an exception a cell threw (tslab prints it to stderr: `    at evalmachine.<anonymous>:3:9`) */
const THROWN = /^\s+at .*(evalmachine|\(|:\d+:\d+)/m;

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  ename?: string;
  evalue?: string;
  data?: Record<string, unknown>;
}
interface Notebook {
  cells: { cell_type: string; source: string | string[]; outputs?: Output[]; metadata?: { execution?: object } }[];
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
  const env = {
    ...process.env,
    JUPYTER_PATH: join(tmp, 'share', 'jupyter'),
    JUPYTER_CONFIG_DIR: join(tmp, 'config'),
    JUPYTER_DATA_DIR: join(tmp, 'data'),
    JUPYTER_RUNTIME_DIR: join(tmp, 'runtime'),
    FORCE_COLOR: '0',
  };
  test.after(() => rmSync(tmp, { recursive: true, force: true }));

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

  test('there is at least one notebook', () => {
    assert.ok(notebooks.includes('01-quickstart.ipynb'), notebooks.join(', '));
  });

  for (const nb of notebooks) {
    test(`notebook ${nb} runs every cell without an error`, () => {
      const out = join(tmp, 'out');
      const r = spawnSync(
        'jupyter',
        [
          'nbconvert',
          '--to',
          'notebook',
          '--execute',
          // run every cell and keep its error in the output notebook, so a failure below names the
          // cell's own error (a type error, an exception) rather than nbconvert's Python traceback
          '--allow-errors',
          '--ExecutePreprocessor.timeout=120',
          '--ExecutePreprocessor.kernel_name=tslab',
          '--output-dir',
          out,
          join(root, 'notebooks', nb),
        ],
        { cwd: join(root, 'notebooks'), env, encoding: 'utf8', timeout: 150_000 },
      );
      const tail = (r.stderr ?? '')
        .split('\n')
        .filter((l) => !/MissingIDFieldWarning|validate\(nb\)/.test(l))
        .slice(-25)
        .join('\n');
      assert.is(r.status, 0, `nbconvert failed for ${nb}:\n${tail}`);
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
