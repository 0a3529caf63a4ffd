/**
 * The consumer-group coordinator's vocabulary: its error codes, states, members, join requests
 * and results, and the injected timers (real, or a test's virtual clock). groups.ts is the
 * state machine that uses them.
 */
export const E = {
  NONE: 0,
  NOT_COORDINATOR: 16,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  INVALID_GROUP_ID: 24,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  NON_EMPTY_GROUP: 68,
  GROUP_ID_NOT_FOUND: 69,
  MEMBER_ID_REQUIRED: 79,
} as const;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolName: string;
  leader: string;
  memberId: string;
  members: Array<{ memberId: string; groupInstanceId: string | null; metadata: Buffer }>;
}

export interface Member {
  id: string;
  instanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  assignment: Buffer;
  joined: boolean;
  onJoin?: (r: JoinResult) => void;
  onSync?: (code: number, assignment: Buffer) => void;
  sessionTimer?: unknown;
}

export interface Group {
  id: string;
  state: GroupState;
  protocolType: string;
  protocolName: string;
  generation: number;
  leader: string;
  members: Map<string, Member>;
  pending: Map<string, unknown>;
  rebalanceTimer?: unknown;
  syncTimer?: unknown;
}

export interface JoinRequest {
  groupId: string;
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  /** v4+: an unknown member must first fetch its id (MEMBER_ID_REQUIRED) */
  requireKnownMemberId: boolean;
}

export interface GroupOptions {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
}
