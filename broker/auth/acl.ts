/**
 * Simple ACLs: principal × topic|group × operation, allow or deny. With no rules every request
 * is allowed. With rules, a request needs a matching allow and no matching deny (deny wins), as
 * in Kafka's AclAuthorizer; read, write and delete imply describe.
 *
 * Rule text (one a line in an ACL file, or one per --acl flag):
 *   allow|deny PRINCIPAL OPERATION topic|group NAME
 *   allow User:alice write topic transactions
 *   allow User:svc read group fraud-*          # a trailing * matches a prefix; * alone matches all
 *   deny  * all topic secrets
 * PRINCIPAL is User:NAME (User:ANONYMOUS without SASL), or * for everyone.
 * OPERATION is read, write, describe, create, delete or all.
 */
import { readFileSync } from 'node:fs';
import { PipelabError } from '../../errors.ts';

export type Resource = 'topic' | 'group';
export type Operation = 'read' | 'write' | 'describe' | 'create' | 'delete' | 'all';
const OPERATIONS: readonly Operation[] = ['read', 'write', 'describe', 'create', 'delete', 'all'];

export interface AclRule {
  permission: 'allow' | 'deny';
  /** `User:alice`, or `*` for every principal */
  principal: string;
  operation: Operation;
  resource: Resource;
  /** exact name, `prefix*`, or `*` */
  name: string;
}

const IMPLIES_DESCRIBE = new Set<Operation>(['read', 'write', 'delete', 'describe', 'all']);

function nameMatches(pattern: string, name: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}

function opMatches(rule: Operation, asked: Operation, permission: 'allow' | 'deny'): boolean {
  if (rule === 'all' || rule === asked) return true;
  // an allowed read/write/delete lets the principal describe; a deny of read does not deny describe
  return permission === 'allow' && asked === 'describe' && IMPLIES_DESCRIBE.has(rule);
}

export class Acl {
  constructor(readonly rules: readonly AclRule[]) {}

  allows(principal: string, resource: Resource, name: string, op: Operation): boolean {
    let allowed = false;
    for (const r of this.rules) {
      if (r.resource !== resource || !nameMatches(r.name, name)) continue;
      if (r.principal !== '*' && r.principal !== 'User:*' && r.principal !== principal) continue;
      if (!opMatches(r.operation, op, r.permission)) continue;
      if (r.permission === 'deny') return false;
      allowed = true;
    }
    return allowed;
  }
}

/** one rule from its text; `where` names the flag, option or file line for the error */
export function parseAclRule(text: string, where: string): AclRule {
  const parts = text.trim().split(/\s+/);
  const [permission, principal, operation, resource, name] = parts;
  const bad = (why: string) =>
    new PipelabError('INVALID_ARGUMENT', `${where}: ${why} in ACL rule "${text.trim()}"`, {
      hint:
        'an ACL rule reads: allow|deny PRINCIPAL OPERATION topic|group NAME, ' +
        'e.g. "allow User:alice write topic orders"',
    });
  if (parts.length !== 5) return fail(bad('expected 5 words'));
  if (permission !== 'allow' && permission !== 'deny') return fail(bad(`"${permission}" is not allow or deny`));
  if (principal !== '*' && !/^User:.+/.test(principal!))
    return fail(bad(`principal "${principal}" is not User:NAME or *`));
  if (!OPERATIONS.includes(operation as Operation))
    return fail(bad(`operation "${operation}" is not one of ${OPERATIONS.join(', ')}`));
  if (resource !== 'topic' && resource !== 'group') return fail(bad(`resource "${resource}" is not topic or group`));
  return { permission, principal: principal!, operation: operation as Operation, resource, name: name! };
}

function fail(e: PipelabError): never {
  throw e;
}

export function readAclFile(path: string, where = '--acl-file'): AclRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PipelabError('INVALID_ARGUMENT', `${where}: cannot read ${path} (${(e as NodeJS.ErrnoException).code})`, {
      cause: e,
      hint: `${where} takes a file of ACL rules, one a line; check the path`,
    });
  }
  const rules: AclRule[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line !== '') rules.push(parseAclRule(line, `${where} ${path} line ${i + 1}`));
  }
  return rules;
}
