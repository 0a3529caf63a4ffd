/**
 * `pipelab … | head`: the reader goes away before pipelab has written; pipelab must stop quietly
 * (no EPIPE stack trace), as other Unix tools do. The test closes the read end of stdout before
 * the child writes anything, so every write the child makes fails with EPIPE.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;

function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'pipelab.js'), ...args], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

for (const args of [['--help'], ['run', '--help'], ['generate', 'transactions', '--count', '20000']]) {
  test(`pipelab ${args.join(' ')} into a closed pipe stops without a stack trace`, async () => {
    const r = await runWithClosedStdout(args);
    assert.not.match(r.stderr, /EPIPE|^\s+at /m, r.stderr);
    assert.not.match(r.stderr, /internal error/, r.stderr);
    assert.is(r.code, 0, r.stderr);
  });
}

test.run();
