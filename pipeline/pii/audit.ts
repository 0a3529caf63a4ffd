/**
 * The audit trail: one record per access to a user's data, on the `pipelab-audit` topic, keyed
 * by the user id: what was done, to which user (key), when, by which principal, and for PII the
 * key id and fields. Written in the same acknowledged batch as the data it describes, so an
 * access without its audit record (or the reverse) does not happen short of a partial batch.
 */
import type { Kafka, KafkaMessage, Message } from 'kafkajs';
import { TRANSACTION_PII, type PiiFields } from '../../generators/schemas/pii.ts';
import type { KafkaClientSecurity } from '../kafka-security.ts';
import { openObject, PII_HEADERS } from './cipher.ts';
import type { PiiKeyring } from './keys.ts';
import { UserKeyVault } from './vault.ts';

/** the PII options of a processor (ProcessorOptions' pii, audit and security) */
interface ProcessorPiiOptions {
  pii?: { keys: PiiKeyring; fields?: PiiFields } | undefined;
  audit?: boolean | { principal: string } | undefined;
  security?: KafkaClientSecurity | undefined;
}

export const AUDIT_TOPIC = 'pipelab-audit';

export type AuditAction =
  /** the features of a user were read and updated (feature store) */
  | 'features.read-write'
  /** a user's PII fields were encrypted into a record of `topic` */
  | 'pii.encrypt'
  /** `pipelab forget`: the user's data was deleted */
  | 'forget';

export interface AuditEvent {
  what: AuditAction;
  /** the user id (the key of every pipeline topic) */
  key: string;
  /** ISO time */
  at: string;
  principal: string;
  topic?: string;
  eventId?: string;
  keyId?: string;
  fields?: string[];
  detail?: string;
}

export function auditMessage(e: AuditEvent): Message {
  return { key: e.key, value: JSON.stringify(e) };
}

/**
 * A processed chunk's audit records: one `features.read-write` per user whose features were read
 * and updated, one `pii.encrypt` per written record whose PII was encrypted (its headers say so).
 */
function chunkAudit(
  principal: string,
  users: Iterable<string>,
  written: { topic: string; messages: Message[] }[],
): Message[] {
  const at = new Date().toISOString();
  const out: Message[] = [];
  for (const key of new Set(users)) out.push(auditMessage({ what: 'features.read-write', key, at, principal }));
  for (const { topic, messages } of written)
    for (const m of messages) {
      const h = (m.headers ?? {}) as Record<string, string | Buffer | undefined>;
      const keyId = h['pipelab-pii-key-id']?.toString();
      if (!keyId) continue;
      // a decision passes its input's id header on as it came: a Buffer
      const eventId = h['pipelab-event-id']?.toString();
      out.push(
        auditMessage({
          what: 'pii.encrypt',
          key: m.key === null || m.key === undefined ? '' : String(m.key),
          at,
          principal,
          topic,
          ...(eventId ? { eventId } : {}),
          keyId,
          fields: (h['pipelab-pii-fields']?.toString() ?? '').split(','),
        }),
      );
    }
  return out;
}

/**
 * Who the audit records name: the one given, else the client's SASL user as Kafka names it
 * (`User:<name>`), else `processor:<id>`; undefined when auditing is off.
 */
function auditPrincipal(
  audit: boolean | { principal: string } | undefined,
  security: KafkaClientSecurity | undefined,
  id: string,
): string | undefined {
  if (!audit) return undefined;
  if (typeof audit === 'object') return audit.principal;
  return security?.sasl ? `User:${security.sasl.username}` : `processor:${id}`;
}

/** the audit topic, created when missing (an existing one is kept as it is) */
export async function ensureAuditTopic(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // instances starting at once race to create it: losing the race is fine
    if (!(await admin.listTopics()).includes(AUDIT_TOPIC))
      await admin.createTopics({ topics: [{ topic: AUDIT_TOPIC, numPartitions: 1 }] }).catch(async (e: Error) => {
        if (!(await admin.listTopics()).includes(AUDIT_TOPIC)) throw e;
      });
  } finally {
    await admin.disconnect();
  }
}

/**
 * A processor's PII protection: per-user data keys (when keys are given: crypto-shredding,
 * vault.ts) and the audit trail (when on).
 */
export class PiiPolicy {
  readonly cipher: UserKeyVault | undefined;
  readonly principal: string | undefined;
  /** input records whose PII is under a key that is unknown or destroyed (a forgotten user) */
  private readonly sealed = new WeakSet<KafkaMessage>();

  constructor(o: Pick<ProcessorPiiOptions, 'pii' | 'audit' | 'security'>, id: string) {
    this.cipher = o.pii ? new UserKeyVault(o.pii.keys, o.pii.fields ?? TRANSACTION_PII) : undefined;
    this.principal = auditPrincipal(o.audit, o.security, id);
  }

  /** creates the audit topic when auditing and it is missing; loads the users' data keys */
  async start(kafka: Kafka): Promise<void> {
    if (this.principal) await ensureAuditTopic(kafka);
    await this.cipher?.start(kafka);
  }

  async stop(): Promise<void> {
    await this.cipher?.stop();
  }

  /**
   * Input records encrypted at the source (a PII key id header) decrypted in place, so features
   * see the real values; a record whose key is gone stays sealed and `unreadable` says why.
   */
  async open(messages: KafkaMessage[]): Promise<void> {
    const v = this.cipher;
    if (!v) return;
    for (const m of messages) {
      const keyId = m.headers?.[PII_HEADERS.keyId]?.toString();
      if (!keyId || !m.value) continue;
      const user = m.key?.toString('utf8') ?? '';
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(m.value.toString('utf8')) as Record<string, unknown>;
      } catch {
        continue; // not JSON: dead-lettered by validation, sealed whole
      }
      let opened = false;
      try {
        opened = !!(await v.findKey(user, keyId)) && openObject(v, user, o, keyId);
      } catch {
        // a ciphertext that does not open (tampered, or moved from another field)
      }
      if (opened) m.value = Buffer.from(JSON.stringify(o));
      else this.sealed.add(m);
    }
  }

  /** the dead-letter verdict for an input record whose PII cannot be decrypted, else undefined */
  unreadable(m: KafkaMessage): { ok: false; reason: string; detail: string } | undefined {
    if (!this.sealed.has(m)) return undefined;
    const keyId = m.headers?.[PII_HEADERS.keyId]?.toString();
    return { ok: false, reason: 'pii-key-unknown', detail: `PII key ${keyId} is unknown or destroyed (forgotten)` };
  }

  /** publishes the data keys made for this chunk before the records encrypted under them */
  async flush(): Promise<void> {
    await this.cipher?.flush();
  }

  /** adds a chunk's audit records (when auditing) to what the chunk writes */
  audit(topicMessages: { topic: string; messages: Message[] }[], valid: readonly { tx: { userId: string } }[]): void {
    if (!this.principal) return;
    const audit = chunkAudit(
      this.principal,
      valid.map((x) => x.tx.userId),
      topicMessages,
    );
    if (audit.length) topicMessages.push({ topic: AUDIT_TOPIC, messages: audit });
  }
}
