/** What every API module exports, and what its handler gets. */
import type { Reader } from '../protocol/reader.ts';
import type { Writer } from '../protocol/writer.ts';
import type { RequestHeader } from '../protocol/frame.ts';
import type { Cluster } from '../cluster.ts';
import type { Session } from '../auth/session.ts';

export interface ApiContext {
  cluster: Cluster;
  /** every API this broker serves, sorted by key (ApiVersions lists them) */
  apis: readonly Api[];
  /** id of the broker node the request arrived at */
  node: number;
  header: RequestHeader;
  version: number;
  clientHost: string;
  /** the connection's authentication state and ACL check (absent only in tests that build a context by hand) */
  session?: Session;
  /** set by a fault hook: answer every entry with this error code instead of doing the work */
  forcedError?: number;
}

export interface Api {
  key: number;
  name: string;
  /** advertised version range (kafka-protocol-notes §1) */
  min: number;
  max: number;
  /** first flexible (compact, tagged) version; Infinity when none we support is flexible */
  flexibleFrom: number;
  /** decodes the request body and returns the response body, or null for no response (acks=0) */
  handle(r: Reader, ctx: ApiContext): Writer | null | Promise<Writer | null>;
}

/** Kafka error codes used by the handlers (https://kafka.apache.org/protocol#protocol_error_codes) */
export const ERR = {
  NONE: 0,
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  MESSAGE_TOO_LARGE: 10,
  REQUEST_TIMED_OUT: 7,
  NOT_COORDINATOR: 16,
  INVALID_TOPIC_EXCEPTION: 17,
  NOT_ENOUGH_REPLICAS: 19,
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: 20,
  INVALID_REQUIRED_ACKS: 21,
  UNSUPPORTED_VERSION: 35,
  INVALID_REQUEST: 42,
  OUT_OF_ORDER_SEQUENCE_NUMBER: 45,
  INVALID_RECORD: 87,
} as const;
