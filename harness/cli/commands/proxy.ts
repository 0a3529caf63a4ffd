/**
 * `pipelab proxy`: the TCP fault proxy on its own, in front of any host:port, with toxiproxy's
 * toxics from the start. Prints `fault proxy listening on <listen> → <upstream>` once ready;
 * SIGUSR1 takes it down (open connections dropped, new ones refused) or back up; stops on
 * SIGINT/SIGTERM with a line of what went through.
 */
import type { Command } from 'commander';
import { PipelabError, type Issue } from '../../../errors.ts';
import { FaultProxy } from '../../faults/proxy.ts';
import { faultsSchema, HOST_PORT, TOXIC_KINDS, type ToxicSpec } from '../../faults/schema.ts';

const TOXIC_HELP =
  'kind[:attr=value,...][@upstream|@downstream][~toxicity], e.g. latency:latency=200,jitter=50, ' +
  'bandwidth:rate=100@upstream, reset_peer:timeout=500~0.1 (repeatable; kinds: ' +
  `${TOXIC_KINDS.filter((k) => k !== 'down').join(', ')})`;

function hostPort(flag: string, v: string): { host: string; port: number } {
  if (!HOST_PORT.test(v))
    throw new PipelabError('INVALID_ARGUMENT', `${flag}: expected host:port, got ${JSON.stringify(v)}`, {
      hint: `e.g. ${flag} 127.0.0.1:6379`,
    });
  const i = v.lastIndexOf(':');
  return { host: v.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(v.slice(i + 1)) };
}

/** `--toxic` specs → validated toxics (the scenario schema's rules and messages) */
export function parseToxics(specs: string[], upstream: string): ToxicSpec[] {
  const faults = specs.map((spec) => {
    const m = /^([a-z_]+)(?::([^@~]*))?(?:@(\w+))?(?:~([\d.]+))?$/.exec(spec.trim());
    if (!m) return { kind: spec };
    const attrs = Object.fromEntries(
      (m[2] ?? '')
        .split(',')
        .filter(Boolean)
        .map((kv) => {
          const [k, v] = kv.split('=');
          return [k, Number(v)];
        }),
    );
    return {
      at: '0s',
      kind: m[1],
      target: upstream,
      ...attrs,
      ...(m[3] ? { stream: m[3] } : {}),
      ...(m[4] ? { toxicity: Number(m[4]) } : {}),
    };
  });
  const parsed = faultsSchema.safeParse(faults);
  if (!parsed.success) {
    const issues: Issue[] = parsed.error.issues.map((i) => ({
      path: `--toxic ${specs[Number(i.path[0])] ?? ''}`,
      message: i.path.length > 1 ? `${String(i.path.slice(1).join('.'))}: ${i.message}` : i.message,
    }));
    throw new PipelabError('INVALID_ARGUMENT', `invalid --toxic (${issues.length} problem(s))`, {
      issues,
      hint: `--toxic ${TOXIC_HELP}`,
    });
  }
  const toxics = parsed.data as ToxicSpec[];
  const notToxic = toxics.findIndex((t) => !(TOXIC_KINDS as readonly string[]).includes(t.kind) || t.kind === 'down');
  if (notToxic >= 0)
    throw new PipelabError('INVALID_ARGUMENT', `--toxic ${specs[notToxic]}: not a network toxic`, {
      hint: `--toxic ${TOXIC_HELP}; start it down with --down`,
    });
  return toxics;
}

export function register(program: Command): void {
  program
    .command('proxy')
    .description(
      'a TCP fault proxy in front of any host:port, with toxiproxy-style toxics (latency, bandwidth, slow_close, ' +
        'timeout, reset_peer, slicer, limit_data); SIGUSR1 takes it down or back up',
    )
    .requiredOption('--upstream <host:port>', 'where connections are forwarded')
    .option('--listen <host:port>', 'where the proxy listens', '127.0.0.1:0')
    .option('--toxic <spec>', TOXIC_HELP, (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--down', 'start down: refuse connections until SIGUSR1')
    .option('--seed <n>', 'seeds the toxicity and jitter draws', '1')
    .addHelpText(
      'after',
      '\nExample:\n  pipelab proxy --upstream 127.0.0.1:6379 --listen 127.0.0.1:16379 \\\n' +
        '    --toxic latency:latency=100,jitter=20 --toxic reset_peer:timeout=2000~0.05\n' +
        '  kill -USR1 <pid>   # down; again: up',
    )
    .action(async (o: { upstream: string; listen: string; toxic: string[]; down?: boolean; seed: string }) => {
      const upstream = hostPort('--upstream', o.upstream);
      const listen = hostPort('--listen', o.listen);
      const toxics = parseToxics(o.toxic, o.upstream);
      const proxy = new FaultProxy({ upstream, listen, name: o.upstream, seed: Number(o.seed) || 1 });
      const at = await proxy.start();
      for (const t of toxics) {
        const { kind, at: _a, duration: _d, label: _l, target: _t, stream, toxicity, listen: _li, ...attrs } = t;
        if (kind !== 'down')
          proxy.addToxic({ kind, stream: stream ?? 'downstream', toxicity: toxicity ?? 1, attrs: attrs as never });
      }
      if (o.down) proxy.setEnabled(false);
      process.stdout.write(
        `fault proxy listening on ${at.host}:${at.port} → ${o.upstream}` +
          `${toxics.length ? ` (${o.toxic.join(' ')})` : ''}${o.down ? ' [down]' : ''}\n`,
      );
      process.on('SIGUSR1', () => {
        proxy.setEnabled(!proxy.isEnabled);
        process.stdout.write(`fault proxy ${proxy.isEnabled ? 'up' : 'down'}\n`);
      });
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      const s = proxy.stats;
      process.stdout.write(
        `fault proxy closed: ${s.accepted} connections, ${s.refused} refused, ${s.cut} cut by toxics, ` +
          `${s.bytesUpstream} B up, ${s.bytesDownstream} B down\n`,
      );
      await proxy.close();
    });
}
