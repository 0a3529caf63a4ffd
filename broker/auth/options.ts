/**
 * startBroker's security options (tls, sasl, acls), their boundary check and what they become:
 * the ListenerSecurity every node's listener gets.
 */
import { z } from 'zod';
import { PipelabError } from '../../errors.ts';
import { Acl, type AclRule, parseAclRule, readAclFile } from './acl.ts';
import { DEFAULT_SCRAM_ITERATIONS, readUsersFile, UserStore } from './credentials.ts';
import { type ListenerSecurity, type TlsFiles, tlsOptions } from './listener.ts';
import { MECHANISMS, type Mechanism } from './session.ts';

export type SaslMechanismName = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface SecurityOptions {
  /** serve TLS (SSL, or SASL_SSL with `sasl`); `caFile` requires client certificates signed by it */
  tls?: TlsFiles;
  /** require SASL authentication (SASL_PLAINTEXT, or SASL_SSL with `tls`) */
  sasl?: {
    /** enabled mechanisms (default all three) */
    mechanisms?: SaslMechanismName[];
    /** user name → password */
    users?: Record<string, string>;
    /** a file of NAME:PASSWORD lines (merged with `users`) */
    usersFile?: string;
    /** SCRAM iteration count (default 4096) */
    iterations?: number;
  };
  /** ACL rules, as objects or rule text ("allow User:alice write topic orders"); none = allow all */
  acls?: Array<AclRule | string>;
  /** a file of ACL rules, one a line (merged with `acls`) */
  aclFile?: string;
}

const mech = z.enum(['plain', 'scram-sha-256', 'scram-sha-512']);
const aclRule = z.object({
  permission: z.enum(['allow', 'deny']),
  principal: z.string().min(1),
  operation: z.enum(['read', 'write', 'describe', 'create', 'delete', 'all']),
  resource: z.enum(['topic', 'group']),
  name: z.string().min(1),
});

/** spread into startBroker's options schema */
export const securitySchema = {
  tls: z
    .object({ certFile: z.string().min(1), keyFile: z.string().min(1), caFile: z.string().min(1).optional() })
    .strict()
    .optional(),
  sasl: z
    .object({
      mechanisms: z.array(mech).min(1).optional(),
      users: z.record(z.string().min(1), z.string().min(1)).optional(),
      usersFile: z.string().min(1).optional(),
      iterations: z.number().int().min(4096).max(1_000_000).optional(),
    })
    .strict()
    .optional(),
  acls: z.array(z.union([z.string().min(1), aclRule.strict()])).optional(),
  aclFile: z.string().min(1).optional(),
};

function saslConfig(o: NonNullable<SecurityOptions['sasl']>): ListenerSecurity['sasl'] {
  const users = new UserStore(o.iterations ?? DEFAULT_SCRAM_ITERATIONS);
  for (const [name, password] of Object.entries(o.users ?? {})) users.add(name, password);
  if (o.usersFile)
    for (const u of readUsersFile(o.usersFile, 'sasl.usersFile (--users)')) users.add(u.name, u.password);
  if (users.size === 0)
    throw new PipelabError('INVALID_ARGUMENT', 'SASL is on but no user is defined', {
      hint: 'give --user NAME:PASSWORD (repeatable) or --users FILE (sasl.users / sasl.usersFile)',
    });
  const names = o.mechanisms ?? ['plain', 'scram-sha-256', 'scram-sha-512'];
  const mechanisms = MECHANISMS.filter((m) => names.includes(m.toLowerCase() as SaslMechanismName)) as Mechanism[];
  return { mechanisms, users };
}

export function listenerSecurity(o: SecurityOptions): ListenerSecurity {
  const out: ListenerSecurity = {};
  if (o.tls) out.tls = tlsOptions(o.tls);
  if (o.sasl) out.sasl = saslConfig(o.sasl);
  const rules = (o.acls ?? []).map((r, i) => (typeof r === 'string' ? parseAclRule(r, `acls[${i}] (--acl)`) : r));
  if (o.aclFile) rules.push(...readAclFile(o.aclFile, 'aclFile (--acl-file)'));
  if (rules.length > 0) out.acl = new Acl(rules);
  return out;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** the warning for a listener reachable from other machines without TLS and SASL, or undefined */
export function exposureWarning(host: string, security: ListenerSecurity): string | undefined {
  if (LOOPBACK.has(host) || host.startsWith('127.')) return undefined;
  const missing = [security.tls ? '' : 'TLS', security.sasl ? '' : 'SASL'].filter(Boolean);
  if (missing.length === 1 && security.sasl?.mechanisms.includes('PLAIN'))
    return (
      `broker listens on ${host} with SASL PLAIN but without TLS: passwords cross the network in clear ` +
      '(give --tls-cert/--tls-key, or --sasl scram-sha-512)'
    );
  if (missing.length === 0) return undefined;
  return (
    `broker listens on ${host}, not loopback only, without ${missing.join(' or ')}: ` +
    'anyone who can reach it can read and write every topic (give --tls-cert/--tls-key and --sasl)'
  );
}
