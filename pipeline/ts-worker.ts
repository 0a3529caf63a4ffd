/**
 * A worker thread running one of pipelab's TypeScript modules, whatever loaded the caller (tsx, or
 * the CommonJS bundle in dist/, which ships the sources beside it): the thread registers tsx's hooks
 * by its API, then imports the module. Node 20 applies neither the parent's hooks nor an execArgv
 * `--import` to a worker's main module, and tsx's loader registers on the main thread only.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { shippedPath } from './paths.ts';

/** tsx's ESM API (tsx/esm/api's import condition), as a file URL */
function tsxEsmApi(metaUrl: string): string {
  const pkg = createRequire(metaUrl).resolve('tsx/package.json');
  const exports = JSON.parse(readFileSync(pkg, 'utf8')).exports['./esm/api'];
  return pathToFileURL(join(dirname(pkg), exports.import.default ?? exports.import)).href;
}

/** `rel`: the module's path in the package (e.g. pipeline/model-server/thread-main.ts); `metaUrl`: the caller's */
export function tsWorker(metaUrl: string, rel: string, workerData: unknown): Worker {
  const file = shippedPath(metaUrl, rel);
  if (!existsSync(file)) throw new Error(`${rel} not found beside the pipelab package`);
  const api = JSON.stringify(tsxEsmApi(metaUrl));
  const main = JSON.stringify(pathToFileURL(file).href);
  const boot = `import(${api}).then((tsx) => { tsx.register(); return import(${main}); })`;
  return new Worker(boot, { eval: true, workerData });
}
