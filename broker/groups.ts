/**
 * Consumer-group coordinator (classic protocol): Empty → PreparingRebalance →
 * CompletingRebalance → Stable, as in Kafka's GroupCoordinator and kfake's groups.go.
 * - JoinGroup v4+ with an empty member id gets MEMBER_ID_REQUIRED (79) and a minted id.
 * - Join responses are held until every known member rejoined or the largest rebalance timeout
 *   passed (members that did not rejoin are dropped); then the generation increments.
 * - Followers' SyncGroup waits for the leader's assignments.
 * - Session timers reset on join/sync/heartbeat/commit; on expiry the member is removed.
 * - Offset commits are accepted in Empty, PreparingRebalance and Stable (kafkajs commits while
 *   rebalancing), refused with 27 in CompletingRebalance.
 * - A known member rejoining with its subscription unchanged gets the current generation back
 *   without a rebalance: in Stable a follower (Kafka's follower rejoin; a client that lost its
 *   coordinator rejoins so), in CompletingRebalance any member, the leader with the members.
 * - `store` (a replicated cluster's node sets it): each completed generation, emptiness and
 *   deletion is written to __consumer_offsets (group-records.ts) and SyncGroup is answered once it
 *   is replicated; `restore`/`unload` move a group in and out when this node gains or loses its
 *   coordination.
 * Timers are injected so the state machine runs on a virtual clock in tests.
 */
import { randomUUID } from 'node:crypto';
import {
  E,
  realTimers,
  type Group,
  type GroupState,
  type GroupOptions,
  type JoinRequest,
  type JoinResult,
  type Member,
  type Timers,
} from './group-types.ts';

/** an empty ConsumerMemberAssignment (version 0, no topics, empty user data) */
const EMPTY_CONSUMER_ASSIGNMENT = Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

export class Groups {
  private readonly groups = new Map<string, Group>();
  /** persists a group's completed generation, or its deletion (null); resolves with 0 or the error to answer */
  store: ((id: string, g: Group | null) => Promise<number>) | undefined;

  constructor(
    private readonly opts: GroupOptions,
    private readonly timers: Timers = realTimers,
  ) {}

  get(id: string): Group | undefined {
    return this.groups.get(id);
  }
  all(): Group[] {
    return [...this.groups.values()];
  }

  private getOrCreate(id: string): Group {
    let g = this.groups.get(id);
    if (!g) {
      g = {
        id,
        state: 'Empty',
        protocolType: '',
        protocolName: '',
        generation: 0,
        leader: '',
        members: new Map(),
        pending: new Map(),
      };
      this.groups.set(id, g);
    }
    return g;
  }

  join(req: JoinRequest): Promise<JoinResult> {
    const fail = (errorCode: number, memberId = req.memberId): Promise<JoinResult> =>
      Promise.resolve({ errorCode, generationId: -1, protocolName: '', leader: '', memberId, members: [] });
    if (!req.groupId) return fail(E.INVALID_GROUP_ID);
    if (req.sessionTimeoutMs < this.opts.minSessionTimeoutMs || req.sessionTimeoutMs > this.opts.maxSessionTimeoutMs)
      return fail(E.INVALID_SESSION_TIMEOUT);
    const g = this.getOrCreate(req.groupId);
    if (
      g.members.size > 0 &&
      (req.protocolType !== g.protocolType || !req.protocols.some((p) => this.supportedByAll(g, p.name)))
    )
      return fail(E.INCONSISTENT_GROUP_PROTOCOL);

    let memberId = req.memberId;
    if (memberId === '') {
      memberId = `${req.clientId || 'member'}-${randomUUID()}`;
      if (req.requireKnownMemberId) {
        const t = this.timers.setTimeout(() => g.pending.delete(memberId), req.sessionTimeoutMs);
        g.pending.set(memberId, t);
        return fail(E.MEMBER_ID_REQUIRED, memberId);
      }
    } else if (g.pending.has(memberId)) {
      this.timers.clearTimeout(g.pending.get(memberId));
      g.pending.delete(memberId);
    } else if (!g.members.has(memberId)) {
      return fail(E.UNKNOWN_MEMBER_ID);
    }

    let m = g.members.get(memberId);
    if (!m) {
      m = {
        id: memberId,
        instanceId: req.groupInstanceId,
        clientId: req.clientId,
        clientHost: req.clientHost,
        sessionTimeoutMs: 0,
        rebalanceTimeoutMs: 0,
        protocolType: '',
        protocols: [],
        assignment: Buffer.alloc(0),
        joined: false,
      };
      g.members.set(memberId, m);
    } else if (m.onJoin) {
      // a rejoin while an earlier join of the same member is held: answer the old one first
      const old = m.onJoin;
      m.onJoin = undefined;
      old({ errorCode: E.UNKNOWN_MEMBER_ID, generationId: -1, protocolName: '', leader: '', memberId, members: [] });
    }
    // Kafka: an unchanged rejoin gets its generation back, but the leader's in Stable rebalances (topics may change)
    const completing = g.state === 'CompletingRebalance';
    if ((completing || (g.state === 'Stable' && memberId !== g.leader)) && this.sameSubscription(g, m, req)) {
      this.touch(g, m);
      return Promise.resolve(this.joined(g, memberId));
    }
    m.sessionTimeoutMs = req.sessionTimeoutMs;
    m.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    m.protocolType = req.protocolType;
    m.protocols = req.protocols;
    m.joined = true;
    if (g.members.size === 1) g.protocolType = req.protocolType;
    this.touch(g, m);

    const joining = m;
    const result = new Promise<JoinResult>((resolve) => {
      joining.onJoin = resolve;
    });
    if (g.state !== 'PreparingRebalance') this.prepareRebalance(g);
    this.maybeCompleteJoin(g);
    return result;
  }

  sync(
    groupId: string,
    generation: number,
    memberId: string,
    assignments: Array<{ memberId: string; assignment: Buffer }>,
  ): Promise<{ errorCode: number; assignment: Buffer }> {
    const g = this.groups.get(groupId);
    const m = g?.members.get(memberId);
    if (!g || !m) return Promise.resolve({ errorCode: E.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) });
    if (generation !== g.generation)
      return Promise.resolve({ errorCode: E.ILLEGAL_GENERATION, assignment: Buffer.alloc(0) });
    this.touch(g, m);
    if (g.state === 'PreparingRebalance')
      return Promise.resolve({ errorCode: E.REBALANCE_IN_PROGRESS, assignment: Buffer.alloc(0) });
    if (g.state === 'Stable') return Promise.resolve({ errorCode: E.NONE, assignment: m.assignment });
    const member = m;
    const p = new Promise<{ errorCode: number; assignment: Buffer }>((resolve) => {
      member.onSync = (errorCode, assignment) => resolve({ errorCode, assignment });
    });
    if (memberId === g.leader) {
      const byId = new Map(assignments.map((a) => [a.memberId, a.assignment]));
      const empty = g.protocolType === 'consumer' ? EMPTY_CONSUMER_ASSIGNMENT : Buffer.alloc(0);
      for (const mem of g.members.values()) mem.assignment = Buffer.from(byId.get(mem.id) ?? empty);
      this.clearTimer(g, 'syncTimer');
      g.state = 'Stable';
      const answer = (code: number) => {
        for (const mem of g.members.values()) {
          const cb = mem.onSync;
          mem.onSync = undefined;
          cb?.(code, code ? Buffer.alloc(0) : mem.assignment);
        }
      };
      if (this.store) void this.store(g.id, g).then(answer);
      else answer(E.NONE);
    }
    return p;
  }

  heartbeat(groupId: string, generation: number, memberId: string): number {
    const g = this.groups.get(groupId);
    const m = g?.members.get(memberId);
    if (!g || !m) return E.UNKNOWN_MEMBER_ID;
    if (generation !== g.generation) return E.ILLEGAL_GENERATION;
    this.touch(g, m);
    return g.state === 'PreparingRebalance' ? E.REBALANCE_IN_PROGRESS : E.NONE;
  }

  leave(groupId: string, memberId: string): number {
    const g = this.groups.get(groupId);
    if (!g) return E.UNKNOWN_MEMBER_ID;
    if (g.pending.has(memberId)) {
      this.timers.clearTimeout(g.pending.get(memberId));
      g.pending.delete(memberId);
      return E.NONE;
    }
    if (!g.members.has(memberId)) return E.UNKNOWN_MEMBER_ID;
    this.removeMember(g, memberId);
    return E.NONE;
  }

  /** May a commit with this generation/member be stored? 0 or an error code. */
  checkCommit(groupId: string, generation: number, memberId: string): number {
    const g = this.groups.get(groupId);
    if (generation < 0 && memberId === '') {
      // a simple (non-group) consumer: allowed only when the group has no members
      return !g || g.members.size === 0 ? E.NONE : E.UNKNOWN_MEMBER_ID;
    }
    const m = g?.members.get(memberId);
    if (!g || !m) return E.UNKNOWN_MEMBER_ID;
    if (generation !== g.generation) return E.ILLEGAL_GENERATION;
    if (g.state === 'CompletingRebalance') return E.REBALANCE_IN_PROGRESS;
    this.touch(g, m);
    return E.NONE;
  }

  delete(groupId: string): number {
    const g = this.groups.get(groupId);
    if (!g) return E.GROUP_ID_NOT_FOUND;
    if (g.members.size > 0) return E.NON_EMPTY_GROUP;
    this.groups.delete(groupId);
    void this.store?.(groupId, null);
    return E.NONE;
  }

  describe(groupId: string): {
    state: GroupState | 'Dead';
    protocolType: string;
    protocolName: string;
    members: Array<{
      memberId: string;
      instanceId: string | null;
      clientId: string;
      clientHost: string;
      metadata: Buffer;
      assignment: Buffer;
    }>;
  } {
    const g = this.groups.get(groupId);
    if (!g) return { state: 'Dead', protocolType: '', protocolName: '', members: [] };
    return {
      state: g.state,
      protocolType: g.protocolType,
      protocolName: g.state === 'Stable' || g.state === 'CompletingRebalance' ? g.protocolName : '',
      members: [...g.members.values()].map((m) => ({
        memberId: m.id,
        instanceId: m.instanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: m.protocols.find((p) => p.name === g.protocolName)?.metadata ?? Buffer.alloc(0),
        assignment: g.state === 'Stable' ? m.assignment : Buffer.alloc(0),
      })),
    };
  }

  /** stops every timer (broker shutdown) and answers held requests */
  close(): void {
    for (const g of this.groups.values()) this.stop(g, E.REBALANCE_IN_PROGRESS);
  }

  /** takes over a group this node now coordinates (read from __consumer_offsets): sessions start now */
  restore(g: Group): void {
    this.unload(g.id);
    this.groups.set(g.id, g);
    for (const m of g.members.values()) this.touch(g, m);
  }

  /** forgets a group another node now coordinates; its held requests are answered NOT_COORDINATOR */
  unload(id: string): void {
    const g = this.groups.get(id);
    if (!g) return;
    this.groups.delete(id);
    this.stop(g, E.NOT_COORDINATOR);
  }

  private stop(g: Group, code: number): void {
    this.clearTimer(g, 'rebalanceTimer');
    this.clearTimer(g, 'syncTimer');
    for (const t of g.pending.values()) this.timers.clearTimeout(t);
    for (const m of g.members.values()) {
      this.timers.clearTimeout(m.sessionTimer);
      m.onJoin?.({ errorCode: code, generationId: -1, protocolName: '', leader: '', memberId: m.id, members: [] });
      m.onSync?.(code, Buffer.alloc(0));
      m.onJoin = m.onSync = undefined;
    }
  }

  // ---- internals ----

  /** the rejoin asks for the same protocol type and, for the elected protocol, the same metadata */
  private sameSubscription(g: Group, m: Member, req: JoinRequest): boolean {
    const now = req.protocols.find((p) => p.name === g.protocolName);
    const had = m.protocols.find((p) => p.name === g.protocolName);
    return req.protocolType === g.protocolType && !!now && !!had && now.metadata.equals(had.metadata);
  }

  private supportedByAll(g: Group, protocol: string): boolean {
    for (const m of g.members.values()) if (!m.protocols.some((p) => p.name === protocol)) return false;
    return true;
  }

  private clearTimer(g: Group, which: 'rebalanceTimer' | 'syncTimer'): void {
    if (g[which] !== undefined) this.timers.clearTimeout(g[which]);
    g[which] = undefined;
  }

  private touch(g: Group, m: Member): void {
    if (m.sessionTimer !== undefined) this.timers.clearTimeout(m.sessionTimer);
    m.sessionTimer = this.timers.setTimeout(() => {
      if (g.members.get(m.id) !== m) return;
      // a member parked in a held JoinGroup/SyncGroup cannot heartbeat: keep it alive (as Kafka
      // does); the rebalance and sync timers bound how long it can wait
      if (m.onJoin || m.onSync) return this.touch(g, m);
      this.removeMember(g, m.id);
    }, m.sessionTimeoutMs);
  }

  private prepareRebalance(g: Group): void {
    this.clearTimer(g, 'syncTimer');
    // members waiting in SyncGroup learn that a new rebalance started
    for (const m of g.members.values()) {
      const cb = m.onSync;
      m.onSync = undefined;
      cb?.(E.REBALANCE_IN_PROGRESS, Buffer.alloc(0));
    }
    g.state = 'PreparingRebalance';
    for (const m of g.members.values()) if (!m.onJoin) m.joined = false;
    let timeout = 0;
    for (const m of g.members.values()) timeout = Math.max(timeout, m.rebalanceTimeoutMs || m.sessionTimeoutMs);
    this.clearTimer(g, 'rebalanceTimer');
    g.rebalanceTimer = this.timers.setTimeout(() => {
      g.rebalanceTimer = undefined;
      for (const m of [...g.members.values()]) if (!m.joined) this.dropMember(g, m);
      this.completeJoin(g);
    }, timeout);
  }

  /** a member's JoinGroup answer in the current generation; the leader's lists each member's metadata */
  private joined(g: Group, memberId: string): JoinResult {
    const members =
      memberId !== g.leader
        ? []
        : [...g.members.values()].map((m) => ({
            memberId: m.id,
            groupInstanceId: m.instanceId,
            metadata: m.protocols.find((p) => p.name === g.protocolName)?.metadata ?? Buffer.alloc(0),
          }));
    const { generation: generationId, protocolName, leader } = g;
    return { errorCode: E.NONE, generationId, protocolName, leader, memberId, members };
  }

  private maybeCompleteJoin(g: Group): void {
    if (g.state !== 'PreparingRebalance') return;
    for (const m of g.members.values()) if (!m.joined) return;
    this.completeJoin(g);
  }

  private completeJoin(g: Group): void {
    this.clearTimer(g, 'rebalanceTimer');
    g.generation++;
    if (g.members.size === 0) {
      g.state = 'Empty';
      g.leader = '';
      g.protocolName = '';
      void this.store?.(g.id, g);
      return;
    }
    if (!g.members.has(g.leader)) g.leader = g.members.keys().next().value!;
    g.protocolName = this.electProtocol(g);
    g.state = 'CompletingRebalance';
    let timeout = 0;
    for (const m of g.members.values()) {
      timeout = Math.max(timeout, m.rebalanceTimeoutMs || m.sessionTimeoutMs);
      const cb = m.onJoin;
      m.onJoin = undefined;
      cb?.(this.joined(g, m.id));
    }
    // members that never sync (leader gone quiet) are removed and the group rebalances again
    const gen = g.generation;
    g.syncTimer = this.timers.setTimeout(() => {
      g.syncTimer = undefined;
      if (g.state !== 'CompletingRebalance' || g.generation !== gen) return;
      for (const m of [...g.members.values()]) if (!m.onSync) this.dropMember(g, m);
      this.prepareRebalance(g);
      this.maybeCompleteJoin(g);
    }, timeout);
  }

  /** the protocol every member supports that most members prefer (Kafka's vote) */
  private electProtocol(g: Group): string {
    const members = [...g.members.values()];
    const candidates = members[0]!.protocols.map((p) => p.name).filter((n) => this.supportedByAll(g, n));
    const votes = new Map<string, number>();
    for (const m of members) {
      const pick = m.protocols.find((p) => candidates.includes(p.name));
      if (pick) votes.set(pick.name, (votes.get(pick.name) ?? 0) + 1);
    }
    let best = candidates[0] ?? '',
      bestVotes = -1;
    for (const c of candidates)
      if ((votes.get(c) ?? 0) > bestVotes) {
        best = c;
        bestVotes = votes.get(c) ?? 0;
      }
    return best;
  }

  private dropMember(g: Group, m: Member): void {
    this.timers.clearTimeout(m.sessionTimer);
    g.members.delete(m.id);
    m.onJoin?.({
      errorCode: E.UNKNOWN_MEMBER_ID,
      generationId: -1,
      protocolName: '',
      leader: '',
      memberId: m.id,
      members: [],
    });
    m.onSync?.(E.UNKNOWN_MEMBER_ID, Buffer.alloc(0));
    m.onJoin = m.onSync = undefined;
  }

  private removeMember(g: Group, memberId: string): void {
    const m = g.members.get(memberId);
    if (!m) return;
    this.dropMember(g, m);
    if (g.state === 'PreparingRebalance') {
      this.maybeCompleteJoin(g);
    } else if (g.members.size === 0) {
      this.clearTimer(g, 'syncTimer');
      g.generation++;
      g.state = 'Empty';
      g.leader = '';
      void this.store?.(g.id, g);
    } else {
      this.prepareRebalance(g);
    }
  }
}
