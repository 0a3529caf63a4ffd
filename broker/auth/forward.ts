/**
 * The security options a replicated cluster's node processes get (broker/replication/spawn.ts):
 * the same TLS files, SASL users and ACL rules as startBroker's, with file paths made absolute so
 * a node reads the same files whatever its working directory. Undefined when the listener is open
 * (no TLS, SASL or ACLs): the nodes then replicate over their client listeners as before.
 *
 * Each node process builds its own listener from them (SCRAM credentials are salted again there)
 * and serves clients exactly as a single broker would; replica fetches and the control mesh use
 * a plaintext listener on 127.0.0.1 that only the nodes are told about (every node runs on this
 * machine). That listener has no SASL or ACLs: a local user who finds its port can read the logs,
 * as they could read the nodes' memory — the threat model trusts this machine (docs/security.md).
 */
import { resolve } from 'node:path';
import type { ListenerSecurity } from './listener.ts';
import type { SecurityOptions } from './options.ts';

export function nodeSecurity(o: SecurityOptions, built: ListenerSecurity): SecurityOptions | undefined {
  if (!built.tls && !built.sasl && !built.acl) return undefined;
  const out: SecurityOptions = {};
  if (o.tls)
    out.tls = {
      certFile: resolve(o.tls.certFile),
      keyFile: resolve(o.tls.keyFile),
      ...(o.tls.caFile ? { caFile: resolve(o.tls.caFile) } : {}),
    };
  if (o.sasl) out.sasl = { ...o.sasl, ...(o.sasl.usersFile ? { usersFile: resolve(o.sasl.usersFile) } : {}) };
  if (o.acls) out.acls = o.acls;
  if (o.aclFile) out.aclFile = resolve(o.aclFile);
  return out;
}
