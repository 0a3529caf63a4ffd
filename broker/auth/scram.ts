/**
 * The server side of SCRAM (RFC 5802; SCRAM-SHA-256 per RFC 7677, SCRAM-SHA-512 as Kafka uses it):
 * client-first → server-first (nonce, salt, iterations) → client-final (proof) → server-final
 * (signature). No channel binding (gs2 header `n,,`), as Kafka clients send.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { h, hmac, type ScramHash, type UserStore } from './credentials.ts';

/** salts for unknown users: stable per name (as a real user's), so repeated tries cannot tell them apart */
const FAKE_SALT_KEY = randomBytes(32);

export type Step = { ok: true; reply: Buffer; done: boolean; user?: string } | { ok: false; reason: string };

function attrs(msg: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of msg.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) m.set(part[0]!, part.slice(2));
  }
  return m;
}

/** saslname unescaping: =2C is ',', =3D is '=' */
function unescapeName(s: string): string {
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

export class ScramServer {
  private state: 'first' | 'final' | 'done' = 'first';
  private user = '';
  private nonce = '';
  private clientFirstBare = '';
  private serverFirst = '';

  constructor(
    private readonly hash: ScramHash,
    private readonly users: UserStore,
    /** the server's part of the nonce (a test gives RFC 7677's) */
    private readonly serverNonce: () => string = () => randomBytes(18).toString('base64'),
  ) {}

  step(token: Buffer): Step {
    if (this.state === 'first') return this.first(token.toString('utf8'));
    if (this.state === 'final') return this.final(token.toString('utf8'));
    return { ok: false, reason: 'SCRAM exchange already finished' };
  }

  private first(msg: string): Step {
    // gs2-header "n,," or "y,,"; "p=" (channel binding) is not offered, so it is refused
    const m = /^([ny]),(a=[^,]*)?,(.*)$/.exec(msg);
    if (!m) return { ok: false, reason: 'malformed SCRAM client-first message' };
    this.clientFirstBare = m[3]!;
    const a = attrs(this.clientFirstBare);
    const user = a.get('n'),
      cnonce = a.get('r');
    if (!user || !cnonce) return { ok: false, reason: 'SCRAM client-first message lacks n= or r=' };
    this.user = unescapeName(user);
    const cred = this.users.scram(this.user, this.hash);
    // an unknown user still gets a (random) challenge, so usernames cannot be probed
    const salt = cred?.salt ?? createHmac('sha256', FAKE_SALT_KEY).update(this.user).digest().subarray(0, 16);
    const iterations = cred?.iterations ?? 4096;
    this.nonce = cnonce + this.serverNonce();
    this.serverFirst = `r=${this.nonce},s=${salt.toString('base64')},i=${iterations}`;
    this.state = 'final';
    return { ok: true, reply: Buffer.from(this.serverFirst), done: false };
  }

  private final(msg: string): Step {
    this.state = 'done';
    const pIdx = msg.lastIndexOf(',p=');
    if (pIdx < 0) return { ok: false, reason: 'SCRAM client-final message lacks p=' };
    const withoutProof = msg.slice(0, pIdx);
    const a = attrs(msg);
    // Kafka's ScramSaslServer checks endsWith, not equality: librdkafka sends its client nonce
    // again in front of the combined one, and real brokers accept it
    if (!(a.get('r') ?? '').endsWith(this.nonce)) return { ok: false, reason: 'SCRAM nonce mismatch' };
    const cred = this.users.scram(this.user, this.hash);
    if (!cred) return { ok: false, reason: 'Authentication failed: Invalid username or password' };
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.hash, cred.storedKey, authMessage);
    const proof = Buffer.from(a.get('p') ?? '', 'base64');
    if (proof.length !== clientSignature.length)
      return { ok: false, reason: 'Authentication failed: Invalid username or password' };
    const clientKey = xor(proof, clientSignature);
    if (!timingSafeEqual(h(this.hash, clientKey), cred.storedKey))
      return { ok: false, reason: 'Authentication failed: Invalid username or password' };
    const serverSignature = hmac(this.hash, cred.serverKey, authMessage);
    return { ok: true, reply: Buffer.from(`v=${serverSignature.toString('base64')}`), done: true, user: this.user };
  }
}
