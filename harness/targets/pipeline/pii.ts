/**
 * The pipeline target's side of PII protection: the keyring its processors get (target.pii), and
 * the dead-letter samples the report shows — their PII fields masked (`[encrypted k1]`), never
 * the values, encrypted or not.
 */
import type { Kafka } from 'kafkajs';
import { PipelabError } from '../../../errors.ts';
import { TRANSACTION_PII } from '../../../generators/schemas/pii.ts';
import type { Transaction } from '../../../generators/transactions.ts';
import { PII_HEADERS, sealObject, WHOLE_VALUE } from '../../../pipeline/pii/cipher.ts';
import { UserKeyVault } from '../../../pipeline/pii/vault.ts';
import type { RecordProducer } from '../producers.ts';
import { loadPiiKeys, type PiiKeyring } from '../../../pipeline/pii/keys.ts';
import { maskObject, maskValue } from '../../../pipeline/pii/mask.ts';
import { H } from '../../../pipeline/processor/headers.ts';
import type { Config } from './schema.ts';

export interface TargetPii {
  keys: PiiKeyring;
  keyFile: string | undefined;
  audit: boolean;
}

/** target.pii's keyring (its keyFile, else PIPELAB_PII_KEY); undefined when the option is absent */
export function targetPii(c: Config, env: NodeJS.ProcessEnv = process.env): TargetPii | undefined {
  if (!c.pii) return undefined;
  const keys = loadPiiKeys({ file: c.pii.keyFile, env });
  if (!keys)
    throw new PipelabError('INVALID_SCENARIO', 'target.pii needs a key: target.pii.keyFile or PIPELAB_PII_KEY', {
      hint: 'openssl rand -hex 32 > pii.key, then pii: { keyFile: "pii.key" } (or export PIPELAB_PII_KEY)',
    });
  return { keys, keyFile: c.pii.keyFile, audit: c.pii.audit ?? true };
}

/**
 * Encryption at the source: with target.pii the harness, standing in for the applications that
 * write `transactions`, encrypts each transaction's PII fields under its user's data key before
 * producing it (headers name the key and the fields), so no topic ever holds them in clear and
 * `pipelab forget` can shred them. The processors decrypt them with the same keys (vault.ts).
 */
export class SourceSealer {
  private readonly vault: UserKeyVault;

  constructor(keys: PiiKeyring) {
    this.vault = new UserKeyVault(keys, TRANSACTION_PII);
  }

  static async open(keys: PiiKeyring, kafka: Kafka): Promise<SourceSealer> {
    const s = new SourceSealer(keys);
    await s.vault.start(kafka);
    return s;
  }

  /**
   * The transaction with its PII fields sealed, the headers saying so, and — when a data key is
   * waiting to be published — when it is (send the record after that)
   */
  seal(tx: Transaction): { tx: Transaction; headers: Record<string, string>; published: Promise<void> | undefined } {
    const s = sealObject(this.vault, tx.userId, tx as unknown as Record<string, unknown>);
    return {
      tx: s.value as unknown as Transaction,
      headers: { [PII_HEADERS.keyId]: s.keyId, [PII_HEADERS.fields]: s.encrypted.join(',') },
      published: this.vault.busy ? this.vault.flush() : undefined,
    };
  }

  stop(): Promise<void> {
    return this.vault.stop();
  }
}

/** summary.json's extra.pii: the master key's id, the fields, audit on/off, masked dead-letter samples */
export function piiExtra(pii: TargetPii | undefined, samples: DeadLetterSamples | undefined): Record<string, unknown> {
  if (!pii) return {};
  const deadLetterSamples = samples?.items ?? [];
  return {
    pii: { keyId: pii.keys.active.id, fields: Object.keys(TRANSACTION_PII), audit: pii.audit, deadLetterSamples },
  };
}

/** sends `msg`, once the data key it is sealed under is published when one is waiting */
export function sendSealed(
  out: RecordProducer,
  msg: Parameters<RecordProducer['send']>[0],
  sealed: { published: Promise<void> | undefined } | undefined,
): Promise<boolean> {
  const p = sealed?.published;
  return p
    ? p.then(
        () => out.send(msg),
        () => false,
      )
    : out.send(msg);
}

export interface DeadLetterSample {
  eventId: string | undefined;
  reason: string | undefined;
  keyId: string | undefined;
  value: unknown;
}

const MASKED = { ...TRANSACTION_PII, [WHOLE_VALUE]: 'device-id' } as const;

/** the first `max` dead letters, masked */
export class DeadLetterSamples {
  readonly items: DeadLetterSample[] = [];
  constructor(private readonly max = 5) {}

  /** a dead letter's headers (as text) and value */
  keep(headers: Record<string, string>, text: string): void {
    if (this.items.length >= this.max) return;
    const keyId = headers[PII_HEADERS.keyId];
    let value: unknown;
    try {
      const v = JSON.parse(text) as unknown;
      value =
        v && typeof v === 'object' && !Array.isArray(v)
          ? maskObject(v as Record<string, unknown>, MASKED, keyId)
          : maskValue(text, keyId);
    } catch {
      value = maskValue(text, keyId);
    }
    this.items.push({ eventId: headers[H.eventId], reason: headers[H.reason], keyId, value });
  }
}
