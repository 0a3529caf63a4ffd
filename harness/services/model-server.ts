/**
 * The model server: external URL (`--model-server`, PIPELAB_MODEL_SERVER; checked with
 * GET /healthz) → container (none: no image is published for it) → local (`pipelab
 * serve-model` as its own process on a free loopback port, killed on close) → embedded
 * (startModelServer in this process). Every mode hands the pipeline the same thing: a base URL.
 */
import { spawn } from 'node:child_process';
import { shippedPath } from '../../pipeline/paths.ts';
import { PipelabError } from '../../errors.ts';
import type { RouteWeight } from '../../pipeline/model-server/router.ts';
import { PACKAGE_MODELS_DIR } from '../../pipeline/model/artefacts.ts';
import { ManagedProcess } from './managed.ts';
import { resolveService } from './resolve.ts';
import type { ResolveOptions, ResolvedService, ServiceSpec } from './types.ts';
import { redactUrl } from '../../results/redact.ts';

export interface ModelServerConnection {
  url: string;
  /** embedded mode on this thread: the server's objects (runtime versions and routes, e.g. the drift loop) */
  server?: import('../../pipeline/model-server/server.ts').ModelServer;
  /** embedded mode on a worker thread of its own (setup.thread): its outage, fault and count controls */
  thread?: import('../../pipeline/model-server/thread.ts').ModelServerThread;
  /** bearer token of an external server that requires one (PIPELAB_MODEL_SERVER_TOKEN) */
  token?: string;
  /** local mode: the `pipelab serve-model` process (fault timeline: signals, restart on the same port) */
  process?: ManagedProcess;
}

/** the bearer token for an external model server, from PIPELAB_MODEL_SERVER_TOKEN (unset or empty = none) */
function modelServerToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const t = env.PIPELAB_MODEL_SERVER_TOKEN?.trim();
  return t ? t : undefined;
}

export interface ModelServerSetup {
  /** folder of model versions (default: the models/fraud shipped with pipelab) */
  models?: string;
  routes?: RouteWeight[];
  batchSize?: number;
  maxWaitMs?: number;
  /**
   * embedded mode: run the server on a worker thread of its own (another core, the same HTTP interface on
   * loopback) instead of on the event loop of the process's main thread; default false
   */
  thread?: boolean;
}

const CLI = shippedPath(import.meta.url, 'bin/pipelab.js');

async function healthy(url: string, timeoutMs = 2000): Promise<string | true> {
  try {
    const { request } = await import('undici'); // at the first check, not with the library
    const res = await request(new URL('/healthz', url), { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    await res.body.text();
    return res.statusCode === 200 ? true : `GET /healthz answered ${res.statusCode}`;
  } catch (e) {
    return (e as Error).message;
  }
}

/** spawn `pipelab serve-model` on a free port; resolves once it prints its URL */
export async function startLocalModelServer(
  setup: ModelServerSetup = {},
  startTimeoutMs = 30_000,
  port = 0,
): Promise<{ url: string; pid: number; exited: Promise<void>; close(): Promise<void> }> {
  const args = [CLI, 'serve-model', '--port', String(port), '--models', setup.models ?? PACKAGE_MODELS_DIR];
  if (setup.routes) args.push('--routes', setup.routes.map((r) => `${r.version}=${r.weight}`).join(','));
  if (setup.batchSize !== undefined) args.push('--batch-size', String(setup.batchSize));
  if (setup.maxWaitMs !== undefined) args.push('--max-wait-ms', String(setup.maxWaitMs));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let out = '';
  const url = await new Promise<string | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), startTimeoutMs);
    const onData = (d: Buffer) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (out += d));
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  if (!url) {
    child.kill('SIGKILL');
    throw new PipelabError(
      'SERVICE_UNAVAILABLE',
      `pipelab serve-model did not start: ${out.trim().slice(-400) || 'no output'}`,
      { hint: 'run `pipelab serve-model --port 0` by hand to see why, or use --model-server-mode embedded' },
    );
  }
  return {
    url,
    pid: child.pid as number,
    exited,
    close: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

/** `localByDefault: false` makes auto-resolution skip local mode (it stays available when forced) */
export function modelServerSpec(
  setup: ModelServerSetup = {},
  o: { localByDefault?: boolean } = {},
): ServiceSpec<ModelServerConnection> {
  return {
    name: 'model-server',
    envVar: 'PIPELAB_MODEL_SERVER',
    async external(url) {
      const h = await healthy(url);
      if (h !== true)
        throw new PipelabError('SERVICE_UNAVAILABLE', `model server at ${redactUrl(url)} is not healthy: ${h}`, {
          hint: 'check --model-server / PIPELAB_MODEL_SERVER, or leave it unset to start one',
        });
      return { detail: url, connection: { url, token: modelServerToken() }, close: async () => {} };
    },
    local: {
      available: async () =>
        o.localByDefault === false
          ? 'opt-in (--model-server-mode local starts `pipelab serve-model` as its own process)'
          : true,
      async start() {
        const s = await startLocalModelServer(setup);
        const port = Number(new URL(s.url).port);
        const proc = new ManagedProcess(s, () => startLocalModelServer(setup, 30_000, port));
        return {
          detail: `pipelab serve-model pid ${s.pid} at ${s.url}`,
          connection: { url: s.url, process: proc },
          close: () => proc.close(),
        };
      },
    },
    async embedded() {
      const o = {
        models: setup.models ?? PACKAGE_MODELS_DIR,
        routes: setup.routes,
        batchSize: setup.batchSize,
        maxWaitMs: setup.maxWaitMs,
      };
      if (setup.thread) {
        const { startModelServerThread } = await import('../../pipeline/model-server/thread.ts');
        const s = await startModelServerThread(o);
        return {
          detail: `in-process on worker thread ${s.threadId} at ${s.url} (versions ${s.versions.join(', ')})`,
          connection: { url: s.url, thread: s },
          close: s.close,
        };
      }
      const { startModelServer } = await import('../../pipeline/model-server/server.ts');
      const s = await startModelServer(o);
      return {
        detail: `in-process at ${s.url} (versions ${s.versions.join(', ')})`,
        connection: { url: s.url, server: s },
        close: s.close,
      };
    },
  };
}

/**
 * Resolve the model server. Auto-resolution skips local mode, so without an address the default
 * is embedded (in-process, starts in milliseconds, as the embedded defaults promise); a separate
 * process is opt-in with mode 'local' (`--model-server-mode local`).
 */
export function resolveModelServer(
  opts: ResolveOptions & { setup?: ModelServerSetup } = {},
): Promise<ResolvedService<ModelServerConnection>> {
  const forced = opts.mode ?? (opts.env ?? process.env).PIPELAB_MODEL_SERVER_MODE;
  return resolveService(modelServerSpec(opts.setup, { localByDefault: forced === 'local' }), opts);
}
