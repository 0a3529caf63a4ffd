/**
 * Kafka client security from flags and env: `--kafka-sasl MECHANISM:USER[:PASSWORD]`,
 * `--kafka-password-file FILE`, `--kafka-tls`, `--kafka-ca FILE`, `--kafka-cert FILE`,
 * `--kafka-key FILE`; env PIPELAB_KAFKA_SASL, PIPELAB_KAFKA_PASSWORD_FILE, PIPELAB_KAFKA_TLS,
 * PIPELAB_KAFKA_CA, PIPELAB_KAFKA_CERT, PIPELAB_KAFKA_KEY (a flag wins over its variable).
 * Files are read here, so a bad path is a PipelabError naming the flag before anything connects.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { PipelabError } from '../../errors.ts';
import {
  isKafkaAuthError,
  type KafkaClientSecurity,
  type KafkaSaslMechanism,
  securityProtocolOf,
} from '../../pipeline/kafka-security.ts';
import { registerSecret } from '../../results/redact.ts';

/** the service-override keys (kebab case, as `--kafka-sasl` → `kafka-sasl`) and their env variables */
const KAFKA_SECURITY_KEYS = {
  'kafka-sasl': 'PIPELAB_KAFKA_SASL',
  'kafka-password-file': 'PIPELAB_KAFKA_PASSWORD_FILE',
  'kafka-tls': 'PIPELAB_KAFKA_TLS',
  'kafka-ca': 'PIPELAB_KAFKA_CA',
  'kafka-cert': 'PIPELAB_KAFKA_CERT',
  'kafka-key': 'PIPELAB_KAFKA_KEY',
} as const;
type KafkaSecurityKey = keyof typeof KAFKA_SECURITY_KEYS;

/**
 * How the pipeline target hands its client security to `pipelab process` children: JSON of a
 * KafkaClientSecurity in the environment (PEM text included), used when no --kafka-* flag is given.
 */
export const CHILD_SECURITY_ENV = 'PIPELAB_KAFKA_CLIENT_SECURITY';

const MECHS: readonly KafkaSaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512'];

function readText(path: string, flag: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new PipelabError('INVALID_ARGUMENT', `${flag}: cannot read ${path} (${(e as NodeJS.ErrnoException).code})`, {
      cause: e,
      hint: `${flag} takes the path of ${what}; check that it exists and is readable`,
    });
  }
}

function parseSasl(spec: string, passwordFile: string | undefined): KafkaClientSecurity['sasl'] {
  const [mech, user, ...rest] = spec.split(':');
  const mechanism = mech?.trim().toLowerCase() as KafkaSaslMechanism;
  if (!MECHS.includes(mechanism) || !user)
    throw new PipelabError('INVALID_ARGUMENT', '--kafka-sasl: expected MECHANISM:USER[:PASSWORD]', {
      hint:
        `--kafka-sasl takes ${MECHS.join('|')}:USER:PASSWORD, e.g. scram-sha-512:alice:s3cret, ` +
        'or MECHANISM:USER with --kafka-password-file',
    });
  let password = rest.join(':');
  if (passwordFile !== undefined)
    password = readText(passwordFile, '--kafka-password-file', 'a file holding the password').replace(/\r?\n$/, '');
  // from here on the password is redacted wherever pipelab writes it (results/redact.ts)
  registerSecret(password);
  if (password === '')
    throw new PipelabError('INVALID_ARGUMENT', '--kafka-sasl: no password', {
      hint:
        'give it as MECHANISM:USER:PASSWORD, or (better: kept out of ps and shell history) ' +
        '--kafka-password-file FILE',
    });
  return { mechanism, username: user, password };
}

const TRUE = new Set(['1', 'true', 'yes', 'on']);

/**
 * Client security from service overrides (flag values, kebab keys) and the environment; undefined
 * when nothing is set (PLAINTEXT).
 */
export function kafkaSecurityFrom(
  overrides: Readonly<Record<string, string | boolean | undefined>> = {},
  env: NodeJS.ProcessEnv = process.env,
): KafkaClientSecurity | undefined {
  const get = (k: KafkaSecurityKey): string | undefined => {
    const v = overrides[k];
    if (v === true) return 'true';
    if (typeof v === 'string' && v !== '') return v;
    const e = env[KAFKA_SECURITY_KEYS[k]];
    return e === undefined || e === '' ? undefined : e;
  };
  const inherited = env[CHILD_SECURITY_ENV];
  if (inherited && !Object.keys(KAFKA_SECURITY_KEYS).some((k) => get(k as KafkaSecurityKey) !== undefined))
    return JSON.parse(inherited) as KafkaClientSecurity;
  const sasl = get('kafka-sasl');
  const passwordFile = get('kafka-password-file');
  if (passwordFile !== undefined && sasl === undefined)
    throw new PipelabError('INVALID_ARGUMENT', '--kafka-password-file without --kafka-sasl', {
      hint: 'name the mechanism and user: --kafka-sasl scram-sha-512:alice --kafka-password-file FILE',
    });
  const ca = get('kafka-ca'),
    cert = get('kafka-cert'),
    key = get('kafka-key');
  if ((cert === undefined) !== (key === undefined))
    throw new PipelabError('INVALID_ARGUMENT', `${cert === undefined ? '--kafka-cert' : '--kafka-key'} is missing`, {
      hint: 'a client certificate needs both --kafka-cert FILE and --kafka-key FILE',
    });
  const tlsOn = TRUE.has((get('kafka-tls') ?? '').toLowerCase()) || ca !== undefined || cert !== undefined;
  const out: KafkaClientSecurity = {};
  if (tlsOn) {
    out.tls = {};
    if (ca !== undefined) out.tls.ca = readText(ca, '--kafka-ca', 'a PEM CA bundle');
    if (cert !== undefined) out.tls.cert = readText(cert, '--kafka-cert', 'a PEM client certificate');
    if (key !== undefined) out.tls.key = registerSecret(readText(key, '--kafka-key', 'the PEM key of --kafka-cert'));
  }
  if (sasl !== undefined) out.sasl = parseSasl(sasl, passwordFile);
  return out.tls || out.sasl ? out : undefined;
}

/**
 * A failed first contact with Kafka as a PipelabError (106): an authentication or TLS failure
 * says which settings to check, anything else that the broker could not be reached.
 */
export function kafkaConnectError(
  e: unknown,
  brokers: string[],
  security: KafkaClientSecurity | undefined,
): PipelabError {
  let root = e as Error;
  while ((root as { cause?: Error }).cause) root = (root as { cause?: Error }).cause as Error;
  const where = brokers.join(',');
  if (isKafkaAuthError(e))
    return new PipelabError(
      'SERVICE_UNAVAILABLE',
      `Kafka at ${where} refused the connection (${securityProtocolOf(security)}` +
        `${security?.sasl ? `, ${security.sasl.mechanism} as user '${security.sasl.username}'` : ''}): ${root.message}`,
      {
        cause: e,
        hint: security?.sasl
          ? 'check --kafka-sasl (mechanism and user), the password (--kafka-password-file) and --kafka-tls / --kafka-ca'
          : 'the cluster needs credentials or TLS: give --kafka-sasl MECHANISM:USER with ' +
            '--kafka-password-file, and --kafka-tls or --kafka-ca',
      },
    );
  return new PipelabError('SERVICE_UNAVAILABLE', `cannot reach Kafka at ${where}: ${root.message}`, {
    cause: e,
    hint: 'check --kafka / PIPELAB_KAFKA (host:port of a broker), or drop it to use the embedded broker',
  });
}

/**
 * With TLS on, one handshake with the first bootstrap broker before any client starts: kafkajs
 * retries a certificate it cannot verify as if it were a network blip (tens of seconds), so an
 * unverifiable certificate is reported here, at once. Other failures are left to the clients.
 */
export async function checkKafkaTls(brokers: string[], security: KafkaClientSecurity | undefined): Promise<void> {
  if (!security?.tls || brokers.length === 0) return;
  const first = brokers[0]!;
  const at = first.lastIndexOf(':');
  const host = first.slice(0, at).replace(/^\[|\]$/g, '');
  const port = Number(first.slice(at + 1));
  const t = security.tls;
  const failure = await new Promise<Error | undefined>((resolve) => {
    const s = tlsConnect({
      host,
      port,
      servername: isIP(host) ? undefined : host,
      ...(t.ca ? { ca: [t.ca] } : {}),
      ...(t.cert ? { cert: t.cert, key: t.key } : {}),
    });
    const done = (e?: Error) => {
      s.destroy();
      resolve(e);
    };
    s.setTimeout(5000, () => done());
    s.once('secureConnect', () => done());
    s.once('error', (e) => done(e));
  });
  if (!failure || !isKafkaAuthError(failure)) return;
  throw new PipelabError('SERVICE_UNAVAILABLE', `TLS handshake with Kafka at ${first} failed: ${failure.message}`, {
    cause: failure,
    hint: t.ca
      ? 'the broker certificate is not signed by --kafka-ca, or its name does not match the --kafka address'
      : 'the broker certificate is not trusted by the system CAs: give its CA bundle with --kafka-ca FILE',
  });
}
