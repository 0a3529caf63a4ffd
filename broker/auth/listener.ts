/**
 * What a broker listener needs for security, and the listener itself: plain TCP, or TLS
 * (node:tls) with optional client certificates; SASL on either. Certificates are read once at
 * start, and every unreadable file is a PipelabError naming the option and its flag.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { PipelabError } from '../../errors.ts';
import type { Acl } from './acl.ts';
import { Session, type SaslConfig } from './session.ts';

export interface ListenerSecurity {
  tls?: tls.TlsOptions;
  sasl?: SaslConfig;
  acl?: Acl;
}

/** `what` is e.g. `tls.certFile (--tls-cert)` */
function readPem(path: string, what: string): Buffer {
  try {
    const pem = readFileSync(path);
    if (!pem.includes('-----BEGIN')) throw Object.assign(new Error('not PEM'), { code: 'not a PEM file' });
    return pem;
  } catch (e) {
    throw new PipelabError('INVALID_ARGUMENT', `${what}: cannot read ${path} (${(e as NodeJS.ErrnoException).code})`, {
      cause: e,
      hint: `${what} takes the path of a PEM file; check that it exists and is readable`,
    });
  }
}

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** CA bundle: when given, clients must present a certificate it signed (mutual TLS) */
  caFile?: string;
}

export function tlsOptions(files: TlsFiles): tls.TlsOptions {
  const cert = readPem(files.certFile, 'tls.certFile (--tls-cert)');
  const key = readPem(files.keyFile, 'tls.keyFile (--tls-key)');
  const ca = files.caFile === undefined ? undefined : readPem(files.caFile, 'tls.caFile (--tls-ca)');
  const opts: tls.TlsOptions = { cert, key, minVersion: 'TLSv1.2' };
  if (ca) Object.assign(opts, { ca, requestCert: true, rejectUnauthorized: true });
  try {
    tls.createSecureContext(opts);
  } catch (e) {
    throw new PipelabError('INVALID_ARGUMENT', `tls: the certificate and key do not load (${(e as Error).message})`, {
      cause: e,
      hint: '--tls-cert must be a PEM certificate and --tls-key its PEM private key (unencrypted)',
    });
  }
  return opts;
}

export function createListener(security: ListenerSecurity, onSocket: (s: net.Socket) => void): net.Server {
  if (!security.tls) return net.createServer(onSocket);
  const server = tls.createServer(security.tls, onSocket);
  server.on('tlsClientError', () => {
    /* a failed handshake (bad or missing client certificate) only closes that socket */
  });
  return server;
}

export function sessionFor(socket: net.Socket, security: ListenerSecurity): Session {
  let cn: string | undefined;
  if (socket instanceof tls.TLSSocket && socket.authorized) {
    const subject = socket.getPeerCertificate()?.subject as { CN?: string | string[] } | undefined;
    const c = subject?.CN;
    cn = Array.isArray(c) ? c[0] : c;
  }
  return new Session(security.sasl, security.acl, cn);
}
