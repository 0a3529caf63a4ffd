/**
 * Per-connection authentication state. Until a SASL exchange succeeds (when the broker has SASL
 * on), only ApiVersions, SaslHandshake and SaslAuthenticate are served; any other request closes
 * the connection, as Kafka does. The principal is `User:<name>` after SASL, `User:ANONYMOUS`
 * without it (or the client certificate's CN under mutual TLS without SASL).
 */
import type { Acl, Operation, Resource } from './acl.ts';
import type { UserStore } from './credentials.ts';
import { ScramServer, type Step } from './scram.ts';

export type Mechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
export const MECHANISMS: readonly Mechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];

/** what the listener knows about SASL: enabled mechanisms and the user store */
export interface SaslConfig {
  mechanisms: readonly Mechanism[];
  users: UserStore;
}

const PRE_AUTH_KEYS = new Set([17, 18, 36]);

export class Session {
  authenticated: boolean;
  principal: string;
  mechanism: Mechanism | undefined;
  /** set when the connection must close once the current response is written */
  closeAfterReply = false;
  private scram: ScramServer | undefined;

  constructor(
    readonly sasl: SaslConfig | undefined,
    private readonly acl: Acl | undefined,
    certPrincipal?: string,
  ) {
    this.authenticated = sasl === undefined;
    this.principal = certPrincipal ? `User:${certPrincipal}` : 'User:ANONYMOUS';
  }

  /** may this API be served now? */
  allows(apiKey: number): boolean {
    return this.authenticated || PRE_AUTH_KEYS.has(apiKey);
  }

  /**
   * 0 when this connection's principal may do `op` on the resource, else the Kafka error code
   * to answer with (TOPIC_ or GROUP_AUTHORIZATION_FAILED). Always 0 without ACLs.
   */
  deny(resource: Resource, name: string, op: Operation): number {
    if (!this.acl || this.acl.allows(this.principal, resource, name, op)) return 0;
    return resource === 'topic' ? AUTH_ERR.TOPIC_AUTHORIZATION_FAILED : AUTH_ERR.GROUP_AUTHORIZATION_FAILED;
  }

  handshake(mechanism: string): boolean {
    if (!this.sasl || this.authenticated) return false;
    const m = this.sasl.mechanisms.find((x) => x === mechanism.toUpperCase());
    if (!m) return false;
    this.mechanism = m;
    this.scram =
      m === 'PLAIN' ? undefined : new ScramServer(m === 'SCRAM-SHA-256' ? 'sha256' : 'sha512', this.sasl.users);
    return true;
  }

  /** one SaslAuthenticate token; on success the session is authenticated */
  authenticate(token: Buffer): Step {
    if (!this.sasl || !this.mechanism || this.authenticated)
      return { ok: false, reason: 'SaslAuthenticate without a SaslHandshake first' };
    const step = this.mechanism === 'PLAIN' ? this.plain(token) : this.scram!.step(token);
    if (step.ok && step.done && step.user !== undefined) {
      this.authenticated = true;
      this.principal = `User:${step.user}`;
    }
    return step;
  }

  private plain(token: Buffer): Step {
    // authzid NUL authcid NUL passwd
    const parts = token.toString('utf8').split('\0');
    if (parts.length !== 3) return { ok: false, reason: 'malformed PLAIN token' };
    const [authz, user, password] = parts as [string, string, string];
    if (authz !== '' && authz !== user)
      return { ok: false, reason: 'Authentication failed: authorization id must match the user' };
    if (!this.sasl!.users.checkPlain(user, password))
      return { ok: false, reason: 'Authentication failed: Invalid username or password' };
    return { ok: true, reply: Buffer.alloc(0), done: true, user };
  }
}

/** Kafka error codes of the SASL and authorization paths */
export const AUTH_ERR = {
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  CLUSTER_AUTHORIZATION_FAILED: 31,
  UNSUPPORTED_SASL_MECHANISM: 33,
  ILLEGAL_SASL_STATE: 34,
  SASL_AUTHENTICATION_FAILED: 58,
} as const;
