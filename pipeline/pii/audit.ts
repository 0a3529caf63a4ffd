/**
 * The audit trail: one record per access to a user's data, on the `pipelab-audit` topic, keyed
 * by the user id: what was done, to which user (key), when, by which principal, and for PII the
 * key id and fields. Written in the same acknowledged batch as the data it describes, so an
 * access without its audit record (or the reverse) does not happen short of a partial batch.
 */
import type { Kafka, Message } from 'kafkajs';
import { TRANSACTION_PII, type PiiFields } from '../../generators/schemas/pii.ts';
import type { KafkaClientSecurity } from '../kafka-security.ts';
import { PiiCipher } from './cipher.ts';
import type { PiiKeyring } from './keys.ts';

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
      const h = (m.headers ?? {}) as Record<string, string | undefined>;
      const keyId = h['pipelab-pii-key-id'];
      if (!keyId) continue;
      out.push(
        auditMessage({
          what: 'pii.encrypt',
          key: m.key === null || m.key === undefined ? '' : String(m.key),
          at,
          principal,
          topic,
          ...(h['pipelab-event-id'] ? { eventId: h['pipelab-event-id'] } : {}),
          keyId,
          fields: (h['pipelab-pii-fields'] ?? '').split(','),
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

/** a processor's PII protection: the cipher (when keys are given) and the audit trail (when on) */
export class PiiPolicy {
  readonly cipher: PiiCipher | undefined;
  readonly principal: string | undefined;

  constructor(o: Pick<ProcessorPiiOptions, 'pii' | 'audit' | 'security'>, id: string) {
    this.cipher = o.pii ? new PiiCipher(o.pii.keys, o.pii.fields ?? TRANSACTION_PII) : undefined;
    this.principal = auditPrincipal(o.audit, o.security, id);
  }

  /** creates the audit topic when auditing and it is missing */
  async start(kafka: Kafka): Promise<void> {
    if (this.principal) await ensureAuditTopic(kafka);
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
