#!/usr/bin/env -S node --max-semi-space-size=128 --no-allocation-site-pretenuring
// (the flags: a process hosting the reference pipeline keeps its in-flight batches alive across
// scavenges; with V8's default 16 MB semi-space it sustained 7.5k events/s within p99 500 ms in
// bench/pipeline.ts, 12.5k with 64 MB; 128 MB, as the bench runs, halves the scavenges again.
// Those survivors also lead V8 to allocate hot sites' objects straight in the old generation
// (allocation-site pretenuring), where in-flight objects die after all: a process that took that
// turn collected twice as much at 12,500/s (docs/pipeline.md, "Pretenuring"), so it is off.
// `node bin/pipelab.js` runs without them: add them yourself)
// The pipelab CLI. Scenario files are TypeScript, so the CLI registers tsx's ESM hooks; a second
// hook resolves `import ... from 'pipelab'` (and 'pipelab/<subpath>') in scenario files anywhere
// on disk to this copy (harness/cli/resolve-pipelab.mjs).
//
// The CLI itself runs from its prebuilt ESM bundle (dist/cli/, bin/build-cli.js) when that is
// fresh, i.e. built from exactly the sources on disk (bin/cli-bundle.js), else from the .ts sources
// through tsx. From the bundle, nothing needs the hooks until a user's module (a scenario, a spec,
// a config) is imported, so they are registered only then (harness/scenario/typescript.ts), after
// the public API it imports has loaded: in Node 20 each import a hook sees, every import edge
// between chunks included, is a round trip to the hooks' thread (~290 for the API), and tsx's
// registration alone costs ~0.25 CPU-s. Measured at load ~1, CPU-s per process: `pipelab validate
// scenarios/smoke.ts` 1.7 from the sources, 1.3 with the hooks registered first, 0.9 now;
// `pipelab model train bad/version` (fails before any scenario) 0.6 from the sources, 0.95 with
// the API and hooks loaded up front, 0.25 now.
// PIPELAB_CLI_SOURCES=1 runs the sources even when the bundle is fresh; PIPELAB_CLI_DEBUG=1 says on
// stderr which of the two runs, and why.
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { cliBundle } from './cli-bundle.js';

const found =
  process.env.PIPELAB_CLI_SOURCES === '1'
    ? { why: 'PIPELAB_CLI_SOURCES=1' }
    : cliBundle(fileURLToPath(new URL('..', import.meta.url)));
const bundle = found.main ? found : undefined;
if (process.env.PIPELAB_CLI_DEBUG === '1')
  process.stderr.write(
    bundle ? `pipelab: running the bundle ${bundle.dir}\n` : `pipelab: running the .ts sources: ${found.why}\n`,
  );
async function registerHooks() {
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  register('../harness/cli/resolve-pipelab.mjs', import.meta.url, {
    data: { packageJsonUrl: new URL('../package.json', import.meta.url).href, entries: bundle?.entries },
  });
}
const argv = process.argv.slice(2);
if (bundle) {
  const { main } = await import(bundle.main);
  process.exitCode = await main(argv, async () => {
    await import(bundle.entries.pipelab);
    await registerHooks();
  });
} else {
  await registerHooks();
  const { main } = await import('../harness/cli/main.ts');
  process.exitCode = await main(argv);
}
