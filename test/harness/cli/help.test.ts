/**
 * Every command's --help: it prints, the top one lists the commands, run and validate show
 * examples, and every file of this repository a help names as an example (scenarios/…, harness/…,
 * docs/…) exists (a stale example once pointed at scenarios/fraud.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../..', import.meta.url).pathname;
const help = (args: string[]): string => {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'pipelab.js'), ...args, '--help'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  assert.is(r.status, 0, `pipelab ${args.join(' ')} --help: ${r.stderr}`);
  return r.stdout;
};
/** the command names listed under "Commands:" */
const commandsOf = (text: string): string[] =>
  [...(text.split(/^Commands:$/m)[1] ?? '').matchAll(/^ {2}([a-z][\w-]*)/gm)]
    .map((m) => m[1]!)
    .filter((c) => c !== 'help');

test('every --help prints, run and validate show examples, every example file exists', () => {
  const texts = new Map<string, string>();
  const walk = (args: string[]): void => {
    const text = help(args);
    texts.set(args.join(' '), text);
    for (const c of commandsOf(text)) walk([...args, c]);
  };
  walk([]);
  assert.ok(texts.size >= 15, `found ${texts.size} help texts: ${[...texts.keys()].join(', ')}`);
  // (one walk for these too: each help is a process, ~1.7 CPU-s, and cli.test.ts spawned three again)
  assert.match(texts.get('')!, 'run');
  assert.match(texts.get('')!, 'validate');
  for (const c of ['run', 'validate']) {
    const text = texts.get(c);
    assert.ok(text, `pipelab ${c} --help not reached from the top help`);
    assert.match(text, 'Examples:');
    assert.match(text, `pipelab ${c} scenarios/`);
  }
  assert.match(texts.get('run')!, '--duration <d>');
  const missing: string[] = [];
  for (const [cmd, text] of texts)
    for (const m of text.matchAll(/\b(?:scenarios|harness|docs|notebooks)\/[\w./-]*\w\.\w+/g))
      if (!existsSync(join(root, m[0]))) missing.push(`pipelab ${cmd} --help: ${m[0]}`);
  assert.equal(missing, []);
});

test.run();
