/**
 * kcat (librdkafka's CLI) as the benches' reference client: one timed run, and the -X settings of a
 * security protocol. Shared by bench/broker-tls.ts (single node) and bench/replicated-tls.ts.
 */
import './help.ts';
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';

export type KcatMode = 'PLAINTEXT' | 'SSL' | 'SASL_SSL';

/** seconds one kcat run took (stdin from `stdinFile` when producing); rejects with its stderr on failure */
export function timeKcat(args: string[], stdinFile?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn('kcat', args, { stdio: [stdinFile ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr!.on('data', (d) => (err += d));
    if (stdinFile) createReadStream(stdinFile).pipe(p.stdin!);
    p.on('close', (code) =>
      code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new Error(`kcat exited ${code}: ${err}`)),
    );
  });
}

/** `-X` flags for `mode`: TLS trusting `ca`; SASL as SCRAM-SHA-512 with `user`/`password` */
export function kcatSecurity(mode: KcatMode, ca: string, user: string, password: string): string[] {
  const x: string[] = [];
  if (mode !== 'PLAINTEXT') x.push(`security.protocol=${mode}`, `ssl.ca.location=${ca}`);
  if (mode === 'SASL_SSL')
    x.push('sasl.mechanisms=SCRAM-SHA-512', `sasl.username=${user}`, `sasl.password=${password}`);
  return x.flatMap((c) => ['-X', c]);
}
