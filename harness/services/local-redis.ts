/**
 * `redis-server` from PATH on a free loopback port, with persistence off (no RDB snapshots, no
 * AOF, working dir in a temp folder) so nothing is left behind; killed on close.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PipelabError } from '../../errors.ts';
import { freePort } from './ports.ts';

export interface LocalRedis {
  url: string;
  port: number;
  pid: number;
  /** resolves once redis-server has exited */
  exited: Promise<void>;
  close(): Promise<void>;
}

export function redisServerOnPath(bin = 'redis-server'): string | true {
  const r = spawnSync(bin, ['--version'], { stdio: 'ignore', timeout: 5000 });
  return r.status === 0 ? true : `${bin} not found on PATH`;
}

export async function startLocalRedis(
  opts: {
    bin?: string;
    port?: number;
    startTimeoutMs?: number;
    /** more redis-server arguments after the defaults, e.g. ACL users (`--user alice on >pw ~* +@all`) or TLS */
    extraArgs?: string[];
  } = {},
): Promise<LocalRedis> {
  const bin = opts.bin ?? 'redis-server';
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'pipelab-redis-'));
  const child = spawn(
    bin,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--protected-mode',
      'yes',
      '--loglevel',
      'warning',
      ...(opts.extraArgs ?? []),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // redis-server does not notice its parent's end: a process that exits without close() (a failed
  // test, an uncaught error) takes it along instead of leaving an orphan on the port
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  void exited.then(() => process.off('exit', orphan));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });

  // ready when the port answers a PING (NOAUTH when the default user is off: up all the same)
  const { connect } = await import('node:net');
  const deadline = Date.now() + (opts.startTimeoutMs ?? 5000);
  let ready = false;
  while (!ready && Date.now() < deadline && child.exitCode === null) {
    ready = await new Promise<boolean>((res) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => s.write('PING\r\n'));
      s.once('data', (d) => {
        s.destroy();
        res(/^(\+PONG|-NOAUTH)/.test(d.toString()));
      });
      s.once('error', () => {
        s.destroy();
        res(false);
      });
    });
    if (!ready) await new Promise((r) => setTimeout(r, 25));
  }
  if (!ready) {
    child.kill('SIGKILL');
    cleanup();
    throw new PipelabError(
      'SERVICE_UNAVAILABLE',
      `redis-server did not start on 127.0.0.1:${port}: ${out.trim().slice(0, 300) || 'no output'}`,
      {
        hint: 'check that redis-server runs (redis-server --version), or use --redis-mode embedded',
      },
    );
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid as number,
    exited,
    close: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(t);
      }
      cleanup();
    },
  };
}
