/**
 * TensorFlow.js backend: wasm (ships its .wasm in @tensorflow/tfjs-backend-wasm; tfjs-node
 * can't install here, see DESIGN.md), falling back to the pure-JS cpu backend with a notice if
 * wasm fails to initialise. Called once per process before any model is built or loaded.
 *
 * TensorFlow.js is an optional peer dependency (docs/install.md): only the reference pipeline's
 * model needs it, so it is loaded here on first use, never at import time, and a missing package
 * is a PipelabError naming it.
 */
import type * as Tf from '@tensorflow/tfjs';
import { importOptional, PipelabError } from '../../errors.ts';

export type { Tf };

const TFJS = '@tensorflow/tfjs @tensorflow/tfjs-backend-wasm';

let ready: Promise<string> | undefined;
let loaded: typeof Tf | undefined;

/** TensorFlow.js, once initBackend() has loaded it (every model path awaits initBackend first) */
export function tfjs(): typeof Tf {
  if (!loaded)
    throw new PipelabError('OPTIONAL_DEPENDENCY_MISSING', 'TensorFlow.js is used before initBackend() loaded it', {
      hint: 'await initBackend() before building, training or loading a model',
    });
  return loaded;
}

async function load(): Promise<typeof Tf> {
  const tf = await importOptional(TFJS, 'the reference fraud model', () => import('@tensorflow/tfjs'));
  await importOptional(TFJS, 'the reference fraud model', () => import('@tensorflow/tfjs-backend-wasm'));
  return tf;
}

export function initBackend(
  preferred: 'wasm' | 'cpu' = 'wasm',
  log: (msg: string) => void = (m) => process.stderr.write(`${m}\n`),
): Promise<string> {
  ready ??= (async () => {
    const tf = await load();
    loaded = tf;
    if (preferred === 'wasm') {
      try {
        if (await tf.setBackend('wasm')) {
          await tf.ready();
          return tf.getBackend();
        }
      } catch (e) {
        log(`NOTICE: tfjs wasm backend failed (${(e as Error).message}); using the cpu backend (slower)`);
      }
    }
    await tf.setBackend('cpu');
    await tf.ready();
    return tf.getBackend();
  })();
  // a failed load is not cached: the next call tries again (and reports the same error)
  ready.catch(() => {
    ready = undefined;
  });
  return ready;
}
