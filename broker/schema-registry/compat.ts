/**
 * Compatibility levels of a Confluent Schema Registry, checked with avsc's schema resolution:
 * a reader can read data written with a writer when `reader.createResolver(writer)` succeeds.
 * BACKWARD: the new schema reads data written with the latest; FORWARD: the latest reads data
 * written with the new one; FULL: both. The *_TRANSITIVE levels check every earlier version.
 */
import type avro from 'avsc';

export const LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export type Level = (typeof LEVELS)[number];

export function parseLevel(v: unknown): Level | undefined {
  if (typeof v !== 'string') return undefined;
  const up = v.toUpperCase();
  return (LEVELS as readonly string[]).includes(up) ? (up as Level) : undefined;
}

/** why `reader` cannot read data written with `writer`, or undefined when it can */
function cannotRead(reader: avro.Type, writer: avro.Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

export interface Earlier {
  version: number;
  type: avro.Type;
}

/**
 * The incompatibilities of `next` under `level` with the earlier versions (oldest first); empty
 * when compatible. Non-transitive levels check the latest version only.
 */
export function incompatibilities(level: Level, next: avro.Type, earlier: readonly Earlier[]): string[] {
  if (level === 'NONE' || earlier.length === 0) return [];
  const against = level.endsWith('_TRANSITIVE') ? earlier : earlier.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const out: string[] = [];
  for (const e of against) {
    const b = backward ? cannotRead(next, e.type) : undefined;
    if (b) out.push(`version ${e.version}: the new schema cannot read data written with it: ${b}`);
    const f = forward ? cannotRead(e.type, next) : undefined;
    if (f) out.push(`version ${e.version}: it cannot read data written with the new schema: ${f}`);
  }
  return out;
}
