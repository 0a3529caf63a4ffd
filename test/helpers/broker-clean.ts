/**
 * The last check of a broker suite whose clients only speak well-formed Kafka: the broker they were
 * served by met no internal error (a handler that threw; its last message says which) and no
 * malformed frame (a request it could not parse, from a client that should have sent a good one).
 */
import * as assert from 'uvu/assert';
import type { Broker } from '../../broker/index.ts';

export function assertServedCleanly(broker: Broker): void {
  const s = broker.stats();
  assert.is(s.internalErrors, 0, s.lastInternalError);
  assert.is(s.malformedFrames, 0);
}
