/**
 * Lets `loadScenario` import TypeScript scenario files in a process that was not started through
 * tsx: tslab notebooks, plain `node` with dist/pipelab.cjs. The CLI (bin/pipelab.js) and the
 * tests already run under tsx and do not need it.
 *
 * Why a dynamic import of tsx's ESM entry: tsx 4's CommonJS build of `tsx/esm/api` fails to load
 * its own ESM half here (ERR_MODULE_NOT_FOUND .../esm/api/esm/index.mjs), and a notebook cell
 * cannot do a real import() itself (tslab turns it into require()). This import() stays an
 * import() in dist/pipelab.cjs, so it takes the working ESM entry.
 */
import { pathToFileURL } from 'node:url';

let enabled: Promise<void> | undefined;

/** register tsx's loader once for this process; safe to call repeatedly */
export function enableTypeScript(): Promise<void> {
  enabled ??= import('tsx/esm/api').then(({ register }) => {
    register();
  });
  return enabled;
}

/** what the CLI runs before the first user module is imported (see setUserModuleLoader) */
let userModuleLoader: (() => Promise<void>) | undefined;
let userModulesReady: Promise<void> | undefined;

/**
 * The CLI, run from its prebuilt bundle (bin/pipelab.js), registers tsx's hooks and its 'pipelab'
 * resolver only when a user's module (a scenario, an event spec, a config file) is first
 * imported: most invocations never import one, and in Node 20 every import after the hooks are
 * registered is a round trip to their thread. `prepare` runs once, before that first import.
 */
export function setUserModuleLoader(prepare: () => Promise<void>): void {
  userModuleLoader = prepare;
}

/** call before `import()` of a user's module; does nothing unless the CLI set a loader */
function beforeUserImport(): Promise<void> {
  if (userModuleLoader === undefined) return Promise.resolve();
  userModulesReady ??= userModuleLoader();
  return userModulesReady;
}

/** imports a user's module by its file URL, once the CLI's loader (if any) is in place */
export async function importUserModule(url: string): Promise<Record<string, unknown>> {
  await beforeUserImport();
  return import(url);
}

/**
 * The URL a scenario file is imported by. The query marks it for the CLI's resolve hook
 * (harness/cli/resolve-pipelab.mjs), which loads it as an ES module even where the folder's
 * package.json says CommonJS; elsewhere (tests, notebooks) the query changes nothing.
 */
export function scenarioUrl(absPath: string): string {
  return `${pathToFileURL(absPath).href}?pipelab-scenario`;
}
