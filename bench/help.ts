/**
 * `--help` (or `-h`) for every bench: its usage is the header comment of the file that was run, so
 * that is printed instead of starting a measurement. Imported first by each bench, for the effect.
 */
import { readFileSync } from 'node:fs';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  const file = process.argv[1];
  const src = file ? readFileSync(file, 'utf8') : '';
  const start = src.indexOf('/**');
  const head = start >= 0 ? src.slice(start + 3, src.indexOf('*/', start)) : 'no usage written for this bench';
  console.log(head.replace(/^ \* ?/gm, '').trim());
  process.exit(0);
}
