/**
 * The personal data in the generated events, field by field, beside their Avro schemas. A side
 * table rather than attributes in TRANSACTION_AVSC / USER_EVENT_AVSC: an attribute would change
 * the schema JSON that Avro container files and registries carry, and with it bytes pipelab has
 * promised stay the same for a seed.
 *
 * What the reference events hold: a transaction's `deviceId` (a device identifier) and `country`
 * (where the payment happened: location), and with PII generation on (`pii: true`,
 * generators/pii.ts) its `cardNumber`, `email` and `ipAddress`, drawn from their own seeded stream
 * so every other byte stays the same. A user event carries none of the kinds (its `device` is a
 * device type, not an identifier). `userId` is the pseudonymous subject key every topic is keyed
 * by (what `pipelab forget` deletes by), not a field to encrypt.
 */

/** the kinds of personal data the reference architecture names */
export type PiiKind = 'card-number' | 'email' | 'ip-address' | 'device-id' | 'location';

/** field name → kind, for the fields of an event that hold personal data */
export type PiiFields = Readonly<Record<string, PiiKind>>;

export const TRANSACTION_PII: PiiFields = {
  deviceId: 'device-id',
  country: 'location',
  cardNumber: 'card-number',
  email: 'email',
  ipAddress: 'ip-address',
};

export const USER_EVENT_PII: PiiFields = {};
