import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A user's scenario lives in their own folder: no node_modules/pipelab beside it, and often no
// package.json or one without "type": "module". The CLI must still load it as an ES module and
// resolve `import ... from 'pipelab'` to itself.
const dir = mkdtempSync(join(tmpdir(), 'pipelab-outside-'));
const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['bin/pipelab.js', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  });

test('a .ts scenario in a folder without package.json validates', () => {
  copyFileSync('scenarios/quickstart.ts', join(dir, 'mine.ts'));
  const r = cli(['validate', join(dir, 'mine.ts')]);
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /constant-arrival-rate/);
});

test('a .ts scenario under a CommonJS package.json validates', () => {
  const sub = join(dir, 'cjs');
  spawnSync('mkdir', ['-p', sub]);
  writeFileSync(join(sub, 'package.json'), JSON.stringify({ name: 'user-project', type: 'commonjs' }));
  copyFileSync('scenarios/quickstart.ts', join(sub, 'mine.ts'));
  const r = cli(['validate', join(sub, 'mine.ts')]);
  assert.is(r.status, 0, r.stdout + r.stderr);
});

test('a simulation scenario outside the repository validates', () => {
  copyFileSync('scenarios/diurnal.ts', join(dir, 'day.ts'));
  const r = cli(['validate', join(dir, 'day.ts')]);
  assert.is(r.status, 0, r.stdout + r.stderr);
});

// One copy of every module: a secret the scenario registers through 'pipelab/reports' is one the
// CLI's output redactor knows, and an error thrown through 'pipelab/generators' is an instance of
// the PipelabError 'pipelab' exports, whether the CLI runs from its bundle (dist/cli/, where
// 'pipelab' and 'pipelab/<subpath>' must resolve to the bundle's entries) or from the .ts sources.
for (const [mode, env] of [
  ['its bundle, when built', {}],
  ['the .ts sources', { PIPELAB_CLI_SOURCES: '1' }],
] as const)
  test(`the scenario's 'pipelab' and 'pipelab/reports' are the CLI's own modules (from ${mode})`, () => {
    writeFileSync(
      join(dir, 'secretive.ts'),
      `import { defineScenario, PipelabError } from 'pipelab';
import { createGenerator } from 'pipelab/generators';
import { registerSecret } from 'pipelab/reports';
registerSecret('Scenario-Secret-8731');
let errors = 'no error';
try {
  createGenerator('no-such-generator' as never, { seed: 1 });
} catch (e) {
  errors = e instanceof PipelabError ? 'one PipelabError class' : 'two PipelabError classes';
}
export default defineScenario({
  name: 'secretive',
  description: \`talks to Scenario-Secret-8731 (\${errors})\`,
  target: { type: 'function', builtin: 'sleep', ms: 1 },
  executors: { main: { executor: 'constant-vus', vus: 1, duration: '1s' } },
});
`,
    );
    const r = cli(['validate', join(dir, 'secretive.ts')], env);
    assert.is(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /talks to \*\*\* \(one PipelabError class\)/);
    assert.not.match(r.stdout + r.stderr, /Scenario-Secret-8731/);
  });

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
