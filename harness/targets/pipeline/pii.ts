/**
 * The pipeline target's side of PII protection: the keyring its processors get (target.pii), and
 * the dead-letter samples the report shows — their PII fields masked (`[encrypted k1]`), never
 * the values, encrypted or not.
 */
import type { KafkaMessage } from 'kafkajs';
import { PipelabError } from '../../../errors.ts';
import { TRANSACTION_PII } from '../../../generators/schemas/pii.ts';
import { PII_HEADERS, WHOLE_VALUE } from '../../../pipeline/pii/cipher.ts';
import { loadPiiKeys, type PiiKeyring } from '../../../pipeline/pii/keys.ts';
import { maskObject, maskValue } from '../../../pipeline/pii/mask.ts';
import { H, header } from '../../../pipeline/processor/headers.ts';
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

  keep(msg: KafkaMessage): void {
    if (this.items.length >= this.max) return;
    const keyId = header(msg.headers, PII_HEADERS.keyId);
    const text = msg.value?.toString('utf8') ?? '';
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
    this.items.push({ eventId: header(msg.headers, H.eventId), reason: header(msg.headers, H.reason), keyId, value });
  }
}
