/**
 * `pipelab serve-model`: the model server as its own process (so a scenario can run N replicas
 * on N cores). Prints `model server listening on <url>` once ready; stops on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { PipelabError } from '../../../errors.ts';
import { parseWeights } from '../../../pipeline/model-server/router.ts';
// MODEL_SERVER_DEFAULTS are repeated here so --help doesn't load tfjs (server.ts is imported in the action)
const MODEL_SERVER_DEFAULTS = { host: '127.0.0.1', batchSize: 32, maxWaitMs: 5, bodyLimitBytes: 1 << 20 };
import { DEFAULT_MODELS_DIR } from './model.ts';
import { parseNumberFlag } from '../numbers.ts';
import { registerSecret } from '../../../results/redact.ts';

export function register(program: Command): void {
  program
    .command('serve-model')
    .description(
      'run the fraud model server (HTTP: POST /predict, GET /healthz, GET /metrics) with micro-batching, ' +
        'A/B routing and a rules fallback',
    )
    .option('--port <n>', 'port to listen on (0 = any free port)', '8501')
    .option('--host <h>', 'address to bind', MODEL_SERVER_DEFAULTS.host)
    .option('--models <dir>', "folder of model versions (v1/, v2/ ...) (default: pipelab's own models/fraud)")
    .option('--routes <weights>', 'A/B weights by version, e.g. v1=90,v2=10 (default: all to the newest version)')
    .option('--batch-size <n>', 'max rows per inference batch', String(MODEL_SERVER_DEFAULTS.batchSize))
    .option(
      '--max-wait-ms <ms>',
      'max time the oldest request waits for its batch to fill',
      String(MODEL_SERVER_DEFAULTS.maxWaitMs),
    )
    .option('--body-limit <bytes>', 'max request body size (413 above)', String(MODEL_SERVER_DEFAULTS.bodyLimitBytes))
    .option(
      '--token-file <file>',
      "require Authorization: Bearer <the file's token> on /predict and /metrics (env PIPELAB_MODEL_SERVER_TOKEN)",
    )
    .addHelpText(
      'after',
      '\nExample:\n  pipelab serve-model --port 8501 --routes v1=90,v2=10\n  curl -s localhost:8501/healthz',
    )
    .action(
      async (o: {
        port: string;
        host: string;
        models?: string;
        routes?: string;
        batchSize: string;
        maxWaitMs: string;
        bodyLimit: string;
        tokenFile?: string;
      }) => {
        const token = readToken(o.tokenFile);
        let routes: ReturnType<typeof parseWeights> | undefined;
        try {
          routes = o.routes ? parseWeights(o.routes) : undefined;
        } catch (e) {
          throw new PipelabError('INVALID_ARGUMENT', `invalid --routes: ${(e as Error).message}`, {
            hint: 'e.g. --routes v1=90,v2=10',
          });
        }
        const { startModelServer } = await import('../../../pipeline/model-server/server.ts');
        let server: Awaited<ReturnType<typeof startModelServer>>;
        try {
          server = await startModelServer({
            models: o.models ?? DEFAULT_MODELS_DIR,
            routes,
            port: parseNumberFlag('--port', o.port, { int: true, min: 0, max: 65535 }),
            host: o.host,
            batchSize: parseNumberFlag('--batch-size', o.batchSize, { int: true, min: 1, max: 4096 }),
            maxWaitMs: parseNumberFlag('--max-wait-ms', o.maxWaitMs, { int: true, min: 0, max: 10_000 }),
            bodyLimitBytes: parseNumberFlag('--body-limit', o.bodyLimit, { int: true, min: 1024, max: 1 << 30 }),
            defaultMetrics: true,
            token,
          });
        } catch (e) {
          if (e instanceof RangeError)
            throw new PipelabError('INVALID_ARGUMENT', e.message, {
              hint: 'check --routes against the versions in --models',
            });
          if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE')
            throw new PipelabError('SERVICE_UNAVAILABLE', `port ${o.port} is in use`, {
              hint: 'pick another --port, or --port 0 for any free one',
            });
          throw e;
        }
        process.stdout.write(
          `model server listening on ${server.url} (versions ${server.versions.join(', ')})` +
            `${token ? ', bearer token required' : ''}\n`,
        );
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await server.close();
      },
    );
}

/** the bearer token from --token-file, else PIPELAB_MODEL_SERVER_TOKEN; undefined = no token */
function readToken(file: string | undefined): string | undefined {
  if (file === undefined) return process.env.PIPELAB_MODEL_SERVER_TOKEN?.trim() || undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new PipelabError(
      'INVALID_ARGUMENT',
      `--token-file: cannot read ${file} (${(e as NodeJS.ErrnoException).code})`,
      {
        hint: '--token-file takes the path of a file holding the bearer token',
      },
    );
  }
  if (text === '')
    throw new PipelabError('INVALID_ARGUMENT', `--token-file: ${file} is empty`, {
      hint: 'put the bearer token in the file (e.g. openssl rand -hex 32 > token)',
    });
  registerSecret(text);
  return text;
}
