/**
 * Test certificates made at test time with openssl into a temp dir (never committed): a CA, a
 * server certificate for 127.0.0.1/localhost and a client certificate (CN=alice) both signed by it,
 * and a second CA nobody trusts, for the "wrong CA" cases.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { haveTool } from './tools.ts';

export interface TestCerts {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** a client certificate signed by an untrusted CA */
  strangerCert: string;
  strangerKey: string;
  cleanup(): void;
}

export function haveOpenssl(): boolean {
  return haveTool('openssl', ['version']);
}

function ssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function ca(dir: string, name: string): void {
  ssl(
    dir,
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`].concat([
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
    ]),
  );
}

function leaf(dir: string, name: string, cn: string, signer: string, ext?: string): void {
  ssl(dir, [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${cn}`,
  ]);
  const args = ['x509', '-req', '-in', `${name}.csr`, '-CA', `${signer}.pem`, '-CAkey', `${signer}.key`];
  args.push('-CAcreateserial', '-out', `${name}.pem`, '-days', '2');
  if (ext) {
    writeFileSync(join(dir, `${name}.ext`), ext);
    args.push('-extfile', `${name}.ext`);
  }
  ssl(dir, args);
}

export function makeCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'pipelab-certs-'));
  ca(dir, 'ca');
  ca(dir, 'stranger-ca');
  leaf(dir, 'server', 'localhost', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  leaf(dir, 'client', 'alice', 'ca');
  leaf(dir, 'stranger', 'mallory', 'stranger-ca');
  const p = (f: string) => join(dir, f);
  return {
    dir,
    ca: p('ca.pem'),
    serverCert: p('server.pem'),
    serverKey: p('server.key'),
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
    strangerCert: p('stranger.pem'),
    strangerKey: p('stranger.key'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
