/**
 * What a node's client listeners did with the bytes clients sent, counted as Kafka's SocketServer
 * and RequestChannel count them (connection-creation-total, requests, and the connections closed
 * for an invalid request). Each frame a client began ends in one place once its bytes are in: it
 * is `handled` (its header parsed and the request given to its api's handler, answered or not, as
 * acks=0 produce is), or rejected by the listener (every reason but `body`), or `incomplete` (the
 * client closed the connection before the rest came). A handler that cannot parse the body
 * closes the connection too: `rejected.body` counts those among the handled ones. So, with no
 * frame half-received: frames = handled + incomplete + rejected (all reasons but body).
 */

/** why a frame closed its connection */
interface RejectReasons {
  /** the size field is below a request header's minimum or above maxFrameBytes */
  size: number;
  /** the request header cannot be parsed (api key, version, correlation id, client id) */
  header: number;
  /** an api key the broker does not serve */
  apiKey: number;
  /** a version outside the api's range (ApiVersions instead answers UNSUPPORTED_VERSION) */
  apiVersion: number;
  /** the request body cannot be parsed by its api's handler (these frames are also `handled`) */
  body: number;
  /** a request other than ApiVersions and SASL before the client authenticated */
  unauthenticated: number;
}

export interface ListenerCounters {
  /** connections accepted */
  connections: number;
  /** frames begun: a size field read, or bytes of one when the client closed */
  frames: number;
  /** frames whose header parsed, passed to their api's handler */
  handled: number;
  rejected: RejectReasons;
  /** frames cut short: the client closed the connection with a frame partly sent */
  incomplete: number;
}

export type RejectReason = keyof RejectReasons;

export function newListenerCounters(): ListenerCounters {
  return {
    connections: 0,
    frames: 0,
    handled: 0,
    rejected: { size: 0, header: 0, apiKey: 0, apiVersion: 0, body: 0, unauthenticated: 0 },
    incomplete: 0,
  };
}

/** what one node process of a replicated cluster reports to its parent (counted since it started) */
export interface NodeCounters {
  id: number;
  pid: number;
  listener: ListenerCounters;
  /** connections closed for a malformed frame (every rejected reason but unauthenticated) */
  malformedFrames: number;
  /** requests that hit a broker bug; should stay 0 */
  internalErrors: number;
  lastInternalError: string;
  /** requests per api name */
  requests: Record<string, number>;
}

/** a copy, for stats() and a node's report to its parent */
export function snapshotListener(c: ListenerCounters): ListenerCounters {
  return { ...c, rejected: { ...c.rejected } };
}
