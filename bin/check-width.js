#!/usr/bin/env node
/**
 * Source lines within the formatter's width (biome.jsonc lineWidth). Biome wraps code but not
 * comments or long string literals; this finds those. Checks the files Biome formats (git's
 * JS/TS files, tracked or new and not ignored, minus Biome's excluded folders) and counts
 * characters, not bytes.
 *   node bin/check-width.js            # prints offenders, exit 1 if any
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const WIDTH = 120;
const EXCLUDED = [/^dist\//, /^test\/fixtures\//, /^models\//, /^reports\/out\//];

// tracked files and new ones not yet added (not ignored): a new file is checked before its first commit
const args = ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.js', '*.mjs', '*.cjs'];
const files = [...new Set(execFileSync('git', args, { encoding: 'utf8' }).split('\n'))].filter(
  (f) => f && existsSync(f) && !EXCLUDED.some((re) => re.test(f)),
);
let over = 0;
for (const f of files) {
  const lines = readFileSync(f, 'utf8').split('\n');
  lines.forEach((l, i) => {
    const n = [...l].length;
    if (n > WIDTH) {
      over++;
      process.stdout.write(`${f}:${i + 1}: ${n} characters (limit ${WIDTH})\n`);
    }
  });
}
if (over) {
  process.stdout.write(`${over} line(s) over ${WIDTH} characters: wrap the comment or split the string\n`);
  process.exit(1);
}
