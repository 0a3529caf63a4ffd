/**
 * TensorFlow.js backend: wasm (ships its .wasm in @tensorflow/tfjs-backend-wasm; tfjs-node
 * can't install here, see DESIGN.md), falling back to the pure-JS cpu backend with a notice if
 * wasm fails to initialise. Called once per process before any model is built or loaded.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

let ready: Promise<string> | undefined;

export function initBackend(
  preferred: 'wasm' | 'cpu' = 'wasm',
  log: (msg: string) => void = (m) => process.stderr.write(m + '\n'),
): Promise<string> {
  ready ??= (async () => {
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
  return ready;
}

export { tf };
