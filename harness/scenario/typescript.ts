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
let enabled: Promise<void> | undefined;

/** register tsx's loader once for this process; safe to call repeatedly */
export function enableTypeScript(): Promise<void> {
  enabled ??= import('tsx/esm/api').then(({ register }) => {
    register();
  });
  return enabled;
}
