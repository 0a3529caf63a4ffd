/**
 * `npm run bench`: runs every bench/*.ts (except this file and help.ts, the shared `--help`) one
 * after another, each in its own process so one benchmark's heap and JIT state don't colour the
 * next. `npm run bench -- broker` runs only files whose name contains a word given; flags
 * (`--quick`) are passed to each bench. `npx tsx bench/NAME.ts --help` prints a bench's usage.
 */
import './help.ts';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = new URL('.', import.meta.url).pathname;
const words = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && f !== 'help.ts')
  .filter((f) => words.length === 0 || words.some((w) => f.includes(w)))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== bench/${f} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, f), ...flags], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
