#!/usr/bin/env node
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
