/**
 * Is there a container engine? Checked with a socket connect (DOCKER_HOST, else the usual
 * Docker/Podman sockets) before testcontainers is imported: testcontainers itself takes a while
 * to give up, and importing it is not free. Absence is reported in milliseconds.
 */
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { importOptional, PipelabError } from '../../errors.ts';

export interface RuntimeProbe {
  ok: boolean;
  /** where we looked */
  endpoint: string;
  reason?: string;
}

function tryConnect(
  opts: { path: string } | { host: string; port: number },
  timeoutMs: number,
): Promise<string | true> {
  return new Promise((resolve) => {
    const s = connect(opts as never);
    const done = (r: string | true) => {
      clearTimeout(timer);
      s.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done(`no answer within ${timeoutMs} ms`), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', (e) => done((e as NodeJS.ErrnoException).code ?? e.message));
  });
}

/** the sockets testcontainers itself looks for: rootful Docker, rootless Docker, Docker Desktop, Podman */
export function socketCandidates(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? '';
  const xdg = env.XDG_RUNTIME_DIR;
  return [
    '/var/run/docker.sock',
    ...(xdg ? [`${xdg}/docker.sock`, `${xdg}/podman/podman.sock`] : []),
    ...(home ? [`${home}/.docker/run/docker.sock`, `${home}/.docker/desktop/docker.sock`] : []),
  ];
}

export async function probeContainerRuntime(
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 500,
  candidates: string[] = socketCandidates(env),
): Promise<RuntimeProbe> {
  const host = env.DOCKER_HOST;
  if (host) {
    if (host.startsWith('unix://')) {
      const path = host.slice('unix://'.length);
      if (!existsSync(path)) return { ok: false, endpoint: host, reason: `${path} does not exist` };
      const r = await tryConnect({ path }, timeoutMs);
      return r === true ? { ok: true, endpoint: host } : { ok: false, endpoint: host, reason: r };
    }
    const m = /^(?:tcp|http|https):\/\/([^:/]+)(?::(\d+))?/.exec(host);
    if (!m) return { ok: false, endpoint: host, reason: 'unrecognised DOCKER_HOST' };
    const r = await tryConnect({ host: m[1] as string, port: Number(m[2] ?? 2375) }, timeoutMs);
    return r === true ? { ok: true, endpoint: host } : { ok: false, endpoint: host, reason: r };
  }
  const present = candidates.filter((p) => existsSync(p));
  if (present.length === 0)
    return {
      ok: false,
      endpoint: candidates.join(', '),
      reason: 'no Docker or Podman socket found and DOCKER_HOST is not set',
    };
  let last = '';
  for (const path of present) {
    const r = await tryConnect({ path }, timeoutMs);
    if (r === true) return { ok: true, endpoint: path };
    last = `${path}: ${r}`;
  }
  return { ok: false, endpoint: present.join(', '), reason: last };
}

export function containerRuntimeMissing(name: string, probe: RuntimeProbe): PipelabError {
  return new PipelabError(
    'CONTAINER_RUNTIME_MISSING',
    `${name}: container mode needs a container engine, and none answers (no container runtime at ` +
      `${probe.endpoint}: ${probe.reason})`,
    {
      hint:
        `start Docker (or set DOCKER_HOST), or pick another mode: --${name}-mode local|embedded, or ` +
        `--${name} <url> for an external one`,
    },
  );
}

/**
 * Start a container with testcontainers, exposing one port. Imported lazily, only after the
 * probe succeeded, so environments without an engine never load it.
 */
export async function startContainer(
  image: string,
  port: number,
  env: Record<string, string> = {},
): Promise<{ host: string; port: number; stop(): Promise<void> }> {
  const { GenericContainer } = await importOptional(
    'testcontainers',
    `container mode (${image})`,
    () => import('testcontainers'),
  );
  const c = await new GenericContainer(image).withExposedPorts(port).withEnvironment(env).start();
  return { host: c.getHost(), port: c.getMappedPort(port), stop: async () => void (await c.stop()) };
}
