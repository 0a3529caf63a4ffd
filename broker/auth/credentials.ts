/**
 * The broker's user store: each user's PLAIN password digest and SCRAM credentials (RFC 5802:
 * salt, iteration count, StoredKey, ServerKey per hash). Passwords are derived once at start and
 * not kept in clear; PLAIN compares SHA-256 digests in constant time.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PipelabError } from '../../errors.ts';

export type ScramHash = 'sha256' | 'sha512';

export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

interface UserEntry {
  plainDigest: Buffer;
  scram: Record<ScramHash, ScramCredential>;
}

export const DEFAULT_SCRAM_ITERATIONS = 4096;

export function hmac(hash: ScramHash, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(hash, key).update(data).digest();
}

export function h(hash: ScramHash, data: Buffer): Buffer {
  return createHash(hash).update(data).digest();
}

function keyLength(hash: ScramHash): number {
  return hash === 'sha256' ? 32 : 64;
}

function scramCredential(hash: ScramHash, password: string, iterations: number, salt?: Buffer): ScramCredential {
  const s = salt ?? randomBytes(16);
  const salted = pbkdf2Sync(password.normalize('NFKC'), s, iterations, keyLength(hash), hash);
  const clientKey = hmac(hash, salted, 'Client Key');
  return { salt: s, iterations, storedKey: h(hash, clientKey), serverKey: hmac(hash, salted, 'Server Key') };
}

export class UserStore {
  private readonly users = new Map<string, UserEntry>();

  constructor(private readonly iterations = DEFAULT_SCRAM_ITERATIONS) {}

  get size(): number {
    return this.users.size;
  }

  /** `salt` only for test vectors; each user and hash gets a random one otherwise */
  add(name: string, password: string, salt?: Buffer): void {
    this.users.set(name, {
      plainDigest: createHash('sha256').update(password).digest(),
      scram: {
        sha256: scramCredential('sha256', password, this.iterations, salt),
        sha512: scramCredential('sha512', password, this.iterations, salt),
      },
    });
  }

  checkPlain(name: string, password: string): boolean {
    const u = this.users.get(name);
    // the digest is computed either way so an unknown user costs the same as a wrong password
    const got = createHash('sha256').update(password).digest();
    return u !== undefined && timingSafeEqual(got, u.plainDigest);
  }

  scram(name: string, hash: ScramHash): ScramCredential | undefined {
    return this.users.get(name)?.scram[hash];
  }
}

/** `NAME:PASSWORD` (the password may itself contain ':'); `where` names the flag or option for the hint */
export function parseUserSpec(spec: string, where: string): { name: string; password: string } {
  const i = spec.indexOf(':');
  if (i <= 0 || i === spec.length - 1)
    throw new PipelabError('INVALID_ARGUMENT', `${where}: expected NAME:PASSWORD`, {
      hint: `give ${where} as NAME:PASSWORD, e.g. ${where} alice:s3cret (a password may contain ':')`,
    });
  return { name: spec.slice(0, i), password: spec.slice(i + 1) };
}

/**
 * A users file: one `NAME:PASSWORD` a line; blank lines and lines starting with '#' are skipped.
 */
export function readUsersFile(path: string, where = '--users'): Array<{ name: string; password: string }> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PipelabError('INVALID_ARGUMENT', `${where}: cannot read ${path} (${(e as NodeJS.ErrnoException).code})`, {
      cause: e,
      hint: `${where} takes a file of NAME:PASSWORD lines; check the path`,
    });
  }
  const out: Array<{ name: string; password: string }> = [];
  for (const [n, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    out.push(parseUserSpec(line, `${where} ${path} line ${n + 1}`));
  }
  return out;
}
