/**
 * A consumer group's metadata as a replicated cluster stores it in `__consumer_offsets`
 * (replication/offsets-log.ts), as Kafka's GroupMetadataManager does: the last completed
 * generation — protocol type and name, generation, leader, and each member with its timeouts, its
 * subscription (the elected protocol's metadata) and its assignment. Written when SyncGroup
 * completes a generation and when the group becomes empty; the coordinator elected after a
 * failover rebuilds the group from it (Groups.restore), so its members carry on.
 */
import type { Group, Member } from './group-types.ts';

/** a member as its record keeps it: the coordinator's fields, its subscription and assignment as text */
type MemberRecord = Pick<
  Member,
  'id' | 'instanceId' | 'clientId' | 'clientHost' | 'sessionTimeoutMs' | 'rebalanceTimeoutMs'
> & {
  /** base64 of the elected protocol's metadata (the member's subscription) */
  metadata: string;
  /** base64 of the assignment the leader gave it */
  assignment: string;
};

export interface GroupRecord {
  protocolType: string;
  protocolName: string;
  generation: number;
  leader: string;
  members: MemberRecord[];
}

/** the record of a group's current generation (Stable) or of its emptiness (Empty) */
export function groupRecord(g: Group): GroupRecord {
  const members = [...g.members.values()].map((m) => ({
    id: m.id,
    instanceId: m.instanceId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    sessionTimeoutMs: m.sessionTimeoutMs,
    rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    metadata: (m.protocols.find((p) => p.name === g.protocolName)?.metadata ?? Buffer.alloc(0)).toString('base64'),
    assignment: m.assignment.toString('base64'),
  }));
  return {
    protocolType: g.protocolType,
    protocolName: g.protocolName,
    generation: g.generation,
    leader: g.leader,
    members,
  };
}

function isRecord(v: unknown): v is GroupRecord {
  const r = v as GroupRecord | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.generation === 'number' &&
    typeof r.protocolType === 'string' &&
    typeof r.protocolName === 'string' &&
    typeof r.leader === 'string' &&
    Array.isArray(r.members) &&
    r.members.every((m) => typeof m?.id === 'string' && typeof m.sessionTimeoutMs === 'number')
  );
}

/** the group a record describes (no timers yet: Groups.restore starts the members' sessions); undefined if malformed */
export function groupFromRecord(id: string, v: unknown): Group | undefined {
  if (!isRecord(v)) return undefined;
  const members = new Map<string, Member>();
  for (const m of v.members)
    members.set(m.id, {
      id: m.id,
      instanceId: m.instanceId ?? null,
      clientId: m.clientId ?? '',
      clientHost: m.clientHost ?? '',
      sessionTimeoutMs: m.sessionTimeoutMs,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs ?? m.sessionTimeoutMs,
      protocolType: v.protocolType,
      protocols: [{ name: v.protocolName, metadata: Buffer.from(m.metadata ?? '', 'base64') }],
      assignment: Buffer.from(m.assignment ?? '', 'base64'),
      joined: true,
    });
  return {
    id,
    state: members.size ? 'Stable' : 'Empty',
    protocolType: v.protocolType,
    protocolName: members.size ? v.protocolName : '',
    generation: v.generation,
    leader: members.size ? v.leader : '',
    members,
    pending: new Map(),
  };
}
