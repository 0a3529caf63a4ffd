#!/usr/bin/env -S node --max-semi-space-size=64
// (the flag: a process hosting the reference pipeline keeps its in-flight batches alive across
// scavenges; with V8's default 16 MB semi-space it sustained 7.5k events/s within p99 500 ms in
// bench/pipeline.ts, 12.5k with 64 MB. `node bin/pipelab.js` runs without it: add it yourself)
// The pipelab CLI. Scenario files are TypeScript, so the CLI loads through tsx's ESM hooks; a
// second hook resolves `import ... from 'pipelab'` (and 'pipelab/<subpath>') in scenario files
// anywhere on disk to this copy.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';
registerTsx();
register('../harness/cli/resolve-pipelab.mjs', import.meta.url, {
  data: { packageJsonUrl: new URL('../package.json', import.meta.url).href },
});
await import('../harness/cli/main.ts');
