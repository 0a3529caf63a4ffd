/**
 * How a Kafka client pipelab runs connects to a secured cluster: TLS (system CAs, or a CA bundle,
 * and a client certificate for mutual TLS) and SASL (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512).
 * Plain data (PEM text, not paths) so it crosses to child processes as JSON; the harness builds it
 * from flags and env (harness/services/kafka-security.ts). Each client library gets its own shape.
 */
import type { ConnectionOptions } from 'node:tls';
import type { SASLOptions } from 'kafkajs';

export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface KafkaClientSecurity {
  /** TLS on; `ca` replaces the system CAs, `cert` + `key` are a client certificate (PEM text) */
  tls?: { ca?: string; cert?: string; key?: string };
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
}

function tlsOptions(t: NonNullable<KafkaClientSecurity['tls']>): ConnectionOptions {
  return {
    ...(t.ca ? { ca: [t.ca] } : {}),
    ...(t.cert ? { cert: t.cert } : {}),
    ...(t.key ? { key: t.key } : {}),
  };
}

/** kafkajs `ssl` and `sasl` (spread into `new Kafka({...})`) */
export function kafkajsSecurity(s: KafkaClientSecurity | undefined): {
  ssl?: ConnectionOptions | boolean;
  sasl?: SASLOptions;
} {
  if (!s) return {};
  return {
    ...(s.tls ? { ssl: Object.keys(s.tls).length ? tlsOptions(s.tls) : true } : {}),
    ...(s.sasl ? { sasl: { ...s.sasl } as SASLOptions } : {}),
  };
}

/** @platformatic/kafka `tls` and `sasl` (spread into a Producer/Consumer/Admin's options) */
export function platformaticSecurity(s: KafkaClientSecurity | undefined): {
  tls?: ConnectionOptions;
  sasl?: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string };
} {
  if (!s) return {};
  return {
    ...(s.tls ? { tls: tlsOptions(s.tls) } : {}),
    ...(s.sasl
      ? {
          sasl: {
            mechanism: s.sasl.mechanism.toUpperCase() as 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512',
            username: s.sasl.username,
            password: s.sasl.password,
          },
        }
      : {}),
  };
}

/** the security protocol name for messages (`SASL_SSL`, `SSL`, ...) */
export function securityProtocolOf(s: KafkaClientSecurity | undefined): string {
  if (s?.tls) return s.sasl ? 'SASL_SSL' : 'SSL';
  return s?.sasl ? 'SASL_PLAINTEXT' : 'PLAINTEXT';
}

/** is this kafkajs / platformatic error chain an authentication or authorization failure? */
export function isKafkaAuthError(e: unknown): boolean {
  for (let c = e as { message?: string; type?: string; cause?: unknown } | undefined; c; c = c.cause as typeof c) {
    if (
      /SASL|authenticat|AUTHORIZATION|certificate|self.signed|handshake|ERR_TLS|EPROTO/i.test(
        `${c.type ?? ''} ${c.message ?? ''}`,
      )
    )
      return true;
  }
  return false;
}
