/**
 * Field-level encryption of personal data with AES-256-GCM (node:crypto). Each field is encrypted
 * on its own (a reader with the key decrypts only what it needs), as `pii:` + base64url of
 * IV (12 bytes) | ciphertext | tag (16 bytes); the field's name is the additional authenticated
 * data, so a ciphertext moved to another field does not decrypt. The plaintext is the field's
 * JSON, so numbers come back as numbers. The key id travels in the record header
 * `pipelab-pii-key-id` (PII_HEADERS), the encrypted fields in `pipelab-pii-fields`.
 *
 * IVs are random (96 bits, drawn in blocks of 4 KB from the CSPRNG): safe for 2^32 encryptions
 * per key, which rotation keeps far away.
 */
import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import type { PiiFields } from '../../generators/schemas/pii.ts';
import type { PiiKeyring } from './keys.ts';

export const PII_PREFIX = 'pii:';

export const PII_HEADERS = {
  /** id of the key the record's PII fields are encrypted with */
  keyId: 'pipelab-pii-key-id',
  /** the encrypted fields, comma-separated (`*`: the whole value, which was not a JSON object) */
  fields: 'pipelab-pii-fields',
} as const;

/** the field name a whole unparseable value is encrypted under */
export const WHOLE_VALUE = '*';

const IV = 12;
const TAG = 16;
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function nextIv(): Buffer {
  if (poolAt + IV > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const iv = pool.subarray(poolAt, poolAt + IV);
  poolAt += IV;
  return iv;
}

export class PiiCipher {
  readonly keyId: string;
  private readonly key: Buffer;

  constructor(
    private readonly keys: PiiKeyring,
    readonly fields: PiiFields,
  ) {
    this.keyId = keys.active.id;
    this.key = keys.active.key;
  }

  /** one field's value, encrypted with the active key */
  encrypt(field: string, value: unknown): string {
    const iv = nextIv();
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(field));
    const ct = Buffer.concat([c.update(JSON.stringify(value) ?? 'null', 'utf8'), c.final()]);
    return PII_PREFIX + Buffer.concat([iv, ct, c.getAuthTag()]).toString('base64url');
  }

  /** a field encrypted with the key `keyId` (any key of the ring), back to its value */
  decrypt(field: string, text: string, keyId: string): unknown {
    const key = this.keys.byId.get(keyId);
    if (!key) throw new Error(`no PII key with id ${keyId}`);
    const raw = Buffer.from(text.slice(PII_PREFIX.length), 'base64url');
    const d = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV));
    d.setAAD(Buffer.from(field));
    d.setAuthTag(raw.subarray(raw.length - TAG));
    return JSON.parse(Buffer.concat([d.update(raw.subarray(IV, raw.length - TAG)), d.final()]).toString('utf8'));
  }

  /**
   * A JSON object with its PII fields encrypted (a copy), and the names of the fields that were.
   */
  encryptObject(o: Record<string, unknown>): { value: Record<string, unknown>; encrypted: string[] } {
    const value = { ...o };
    const encrypted: string[] = [];
    for (const f in this.fields) {
      if (value[f] === undefined) continue;
      value[f] = this.encrypt(f, value[f]);
      encrypted.push(f);
    }
    return { value, encrypted };
  }
}
