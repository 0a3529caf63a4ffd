/**
 * The `pipelab broker` security flags and what they become (startBroker's tls, sasl, acls):
 * --tls-cert/--tls-key/--tls-ca, --sasl, --user (repeatable), --users, --acl (repeatable), --acl-file.
 */
import type { Command } from 'commander';
import type { BrokerOptions, SaslMechanismName } from '../../broker/index.ts';
import { parseUserSpec } from '../../broker/auth/credentials.ts';
import { PipelabError } from '../../errors.ts';

export interface BrokerSecurityFlags {
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  sasl?: string;
  user: string[];
  users?: string;
  acl: string[];
  aclFile?: string;
}

const collect = (v: string, prev: string[]) => [...prev, v];
const MECHS: readonly SaslMechanismName[] = ['plain', 'scram-sha-256', 'scram-sha-512'];

export function addBrokerSecurityFlags(cmd: Command): Command {
  return cmd
    .option('--tls-cert <file>', 'serve TLS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--tls-ca <file>', 'require client certificates signed by this CA (mutual TLS)')
    .option('--sasl <mechanisms>', 'require SASL: comma-separated plain, scram-sha-256, scram-sha-512')
    .option('--user <name:password>', 'a SASL user (repeatable)', collect, [])
    .option('--users <file>', 'SASL users, one NAME:PASSWORD a line')
    .option('--acl <rule>', 'an ACL rule, e.g. "allow User:alice write topic orders" (repeatable)', collect, [])
    .option('--acl-file <file>', 'ACL rules, one a line (see docs/security.md)');
}

function mechanisms(spec: string): SaslMechanismName[] {
  const out = spec.split(',').map((m) => m.trim().toLowerCase());
  for (const m of out)
    if (!MECHS.includes(m as SaslMechanismName))
      throw new PipelabError('INVALID_ARGUMENT', `--sasl: unknown mechanism "${m}"`, {
        hint: `--sasl takes a comma-separated list of ${MECHS.join(', ')}`,
      });
  return out as SaslMechanismName[];
}

export function brokerSecurityOptions(f: BrokerSecurityFlags): BrokerOptions {
  const o: BrokerOptions = {};
  if (f.tlsCert !== undefined || f.tlsKey !== undefined) {
    if (f.tlsCert === undefined || f.tlsKey === undefined)
      throw new PipelabError('INVALID_ARGUMENT', `${f.tlsCert === undefined ? '--tls-cert' : '--tls-key'} is missing`, {
        hint: 'TLS needs both --tls-cert FILE and --tls-key FILE',
      });
    o.tls = { certFile: f.tlsCert, keyFile: f.tlsKey, ...(f.tlsCa ? { caFile: f.tlsCa } : {}) };
  } else if (f.tlsCa !== undefined)
    throw new PipelabError('INVALID_ARGUMENT', '--tls-ca needs --tls-cert and --tls-key', {
      hint: 'mutual TLS is TLS first: give --tls-cert FILE --tls-key FILE with --tls-ca FILE',
    });
  const users = Object.fromEntries(f.user.map((u) => parseUserSpec(u, '--user')).map((u) => [u.name, u.password]));
  if (f.sasl !== undefined || f.user.length > 0 || f.users !== undefined) {
    if (f.sasl === undefined)
      throw new PipelabError('INVALID_ARGUMENT', '--user/--users given without --sasl', {
        hint: 'choose the mechanisms with --sasl, e.g. --sasl scram-sha-512,plain',
      });
    o.sasl = { mechanisms: mechanisms(f.sasl), users, ...(f.users ? { usersFile: f.users } : {}) };
  }
  if (f.acl.length > 0) o.acls = f.acl;
  if (f.aclFile !== undefined) o.aclFile = f.aclFile;
  return o;
}

/** the security protocol a client needs for this broker, for the start-up line */
export function securityProtocol(o: BrokerOptions): string {
  if (o.tls) return o.sasl ? 'SASL_SSL' : 'SSL';
  return o.sasl ? 'SASL_PLAINTEXT' : 'PLAINTEXT';
}

/** the Kafka client security flags of run, validate and process (env PIPELAB_KAFKA_SASL etc. read when absent) */
export interface KafkaClientFlags {
  kafkaSasl?: string;
  kafkaPasswordFile?: string;
  kafkaTls?: boolean;
  kafkaCa?: string;
  kafkaCert?: string;
  kafkaKey?: string;
}

export function addKafkaClientFlags(cmd: Command): Command {
  return cmd
    .option(
      '--kafka-sasl <mech:user[:password]>',
      'SASL for Kafka clients: plain|scram-sha-256|scram-sha-512:USER:PASSWORD',
    )
    .option('--kafka-password-file <file>', 'the SASL password, read from a file (kept out of ps and shell history)')
    .option('--kafka-tls', 'connect to Kafka over TLS (system CAs unless --kafka-ca)')
    .option('--kafka-ca <file>', 'PEM CA bundle to verify the Kafka brokers (implies --kafka-tls)')
    .option('--kafka-cert <file>', 'PEM client certificate for mutual TLS (with --kafka-key)')
    .option('--kafka-key <file>', 'PEM key of --kafka-cert');
}

/** the flags as service overrides (kebab keys, as ScenarioOverrides.services carries them) */
export function kafkaClientOverrides(f: KafkaClientFlags): Record<string, string> {
  const out: Record<string, string> = {};
  if (f.kafkaSasl !== undefined) out['kafka-sasl'] = f.kafkaSasl;
  if (f.kafkaPasswordFile !== undefined) out['kafka-password-file'] = f.kafkaPasswordFile;
  if (f.kafkaTls) out['kafka-tls'] = 'true';
  if (f.kafkaCa !== undefined) out['kafka-ca'] = f.kafkaCa;
  if (f.kafkaCert !== undefined) out['kafka-cert'] = f.kafkaCert;
  if (f.kafkaKey !== undefined) out['kafka-key'] = f.kafkaKey;
  return out;
}
