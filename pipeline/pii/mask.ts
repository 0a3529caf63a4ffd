/**
 * What reports and dead-letter samples show of personal data: never the value. An encrypted field
 * shows as `[encrypted <key id>]`; a plaintext one (PII encryption off) as its first two
 * characters and `•••` (`de•••` for a device id), enough to tell samples apart and not enough to
 * identify anyone.
 */
import type { PiiFields } from '../../generators/schemas/pii.ts';
import { PII_PREFIX } from './cipher.ts';

export function maskValue(value: unknown, keyId?: string): string {
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  if (s?.startsWith(PII_PREFIX)) return `[encrypted${keyId ? ` ${keyId}` : ''}]`;
  return `${(s ?? '').slice(0, 2)}•••`;
}

/** a copy of a JSON object with its PII fields masked */
export function maskObject(o: Record<string, unknown>, fields: PiiFields, keyId?: string): Record<string, unknown> {
  const out = { ...o };
  for (const f in fields) if (out[f] !== undefined) out[f] = maskValue(out[f], keyId);
  return out;
}
