/**
 * The registry: every API module, by key. ApiVersions is built from this list; a duplicate key
 * or an inverted range fails as soon as the broker is loaded (checkRegistry). The registry lives
 * here, not on the Cluster, so cluster state does not import its own request handlers (a cycle).
 */
import { api as produce } from './00-produce.ts';
import { api as fetch } from './01-fetch.ts';
import { api as listOffsets } from './02-list-offsets.ts';
import { api as metadata } from './03-metadata.ts';
import { api as offsetCommit } from './08-offset-commit.ts';
import { api as offsetFetch } from './09-offset-fetch.ts';
import { api as findCoordinator } from './10-find-coordinator.ts';
import { api as joinGroup } from './11-join-group.ts';
import { api as heartbeat } from './12-heartbeat.ts';
import { api as leaveGroup } from './13-leave-group.ts';
import { api as syncGroup } from './14-sync-group.ts';
import { api as describeGroups } from './15-describe-groups.ts';
import { api as listGroups } from './16-list-groups.ts';
import { api as saslHandshake } from './17-sasl-handshake.ts';
import { api as apiVersions } from './18-api-versions.ts';
import { api as createTopics } from './19-create-topics.ts';
import { api as deleteTopics } from './20-delete-topics.ts';
import { api as initProducerId } from './22-init-producer-id.ts';
import { api as addPartitionsToTxn } from './24-add-partitions-to-txn.ts';
import { api as addOffsetsToTxn } from './25-add-offsets-to-txn.ts';
import { api as endTxn } from './26-end-txn.ts';
import { api as txnOffsetCommit } from './28-txn-offset-commit.ts';
import { api as describeConfigs } from './32-describe-configs.ts';
import { api as saslAuthenticate } from './36-sasl-authenticate.ts';
import { api as deleteGroups } from './42-delete-groups.ts';
import type { Api } from './types.ts';

export const ALL_APIS: Api[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  offsetCommit,
  offsetFetch,
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  saslHandshake,
  apiVersions,
  createTopics,
  deleteTopics,
  initProducerId,
  addPartitionsToTxn,
  addOffsetsToTxn,
  endTxn,
  txnOffsetCommit,
  describeConfigs,
  saslAuthenticate,
  deleteGroups,
];

/** Sorted by key; throws on a duplicate key or an inverted version range. */
export function checkRegistry(apis: Api[]): Api[] {
  const seen = new Set<number>();
  for (const a of apis) {
    if (seen.has(a.key)) throw new Error(`API key ${a.key} (${a.name}) registered twice`);
    if (!(a.min >= 0 && a.min <= a.max))
      throw new Error(`API key ${a.key} (${a.name}) has an inverted version range ${a.min}..${a.max}`);
    seen.add(a.key);
  }
  return [...apis].sort((a, b) => a.key - b.key);
}

/** The checked registry the server dispatches on, sorted by key. */
export const APIS: readonly Api[] = checkRegistry(ALL_APIS);
export const API_BY_KEY: ReadonlyMap<number, Api> = new Map(APIS.map((a) => [a.key, a]));
