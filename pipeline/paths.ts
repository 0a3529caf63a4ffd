/**
 * Files shipped with pipelab (models/fraud, bin/pipelab.js), found by walking up from the
 * calling module: the same code runs from its source folder (tsx) and from the one-file CommonJS
 * bundle in dist/ (notebooks), which sit at different depths below the package root.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function shippedPath(metaUrl: string, rel: string): string {
  const start = dirname(fileURLToPath(metaUrl));
  for (let d = start; ; d = dirname(d)) {
    if (existsSync(join(d, 'package.json')) && existsSync(join(d, rel))) return join(d, rel);
    if (dirname(d) === d) return join(start, rel); // not found: a path that names what was looked for
  }
}
