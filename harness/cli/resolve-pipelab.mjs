// ESM resolve hook registered by bin/pipelab.js.
// 1. A scenario file anywhere on disk can `import { defineScenario } from 'pipelab'` (or a
//    subpath such as 'pipelab/sim') and gets this very copy of pipelab (the one running it), even
//    without node_modules/pipelab beside it. When the CLI runs from its prebuilt bundle
//    (bin/build-cli.js), `entries` maps each specifier to the bundle's entry file, so the scenario
//    shares the CLI's module instances (one secrets registry, one PipelabError class); otherwise
//    the specifier is resolved as a package self-reference from pipelab's own package.json (the
//    .ts sources), so its "exports" map stays the one list of entries.
// 2. Scenario files are ES modules (`export default defineScenario(...)`) even in a folder whose
//    package.json is not "type": "module" (or has none, e.g. /tmp): the loader marks them with
//    SCENARIO_QUERY and this hook tells tsx to load them as ESM rather than CommonJS, which would
//    fail with "Cannot require() ES Module ... in a cycle".
export const SCENARIO_QUERY = 'pipelab-scenario';
let packageJsonUrl;
let entries = {};
export function initialize(data) {
  packageJsonUrl = data.packageJsonUrl;
  entries = data.entries ?? {};
}
export async function resolve(specifier, context, next) {
  if (specifier === 'pipelab' || specifier.startsWith('pipelab/')) {
    if (Object.hasOwn(entries, specifier)) return { url: entries[specifier], format: 'module', shortCircuit: true };
    return next(specifier, { ...context, parentURL: packageJsonUrl });
  }
  const r = await next(specifier, context);
  if (r.url.endsWith(`?${SCENARIO_QUERY}`)) return { ...r, format: 'module' };
  return r;
}
