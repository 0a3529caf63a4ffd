/**
 * The entry of one node process of a replicated cluster (forked by spawn.ts with the tsx loader).
 * Talks to its parent over the IPC channel:
 *   parent → node: { t: 'peers', peers } | { t: 'create', req, name, spec } | { t: 'counters', req }
 *   node → parent: { t: 'ready', port, controlPort, replicaPort? } | { t: 'view', view } | { t: 'created', req, error }
 *                  | { t: 'counters', req?, counters } (asked for, and every second unasked)
 * SIGTERM is a controlled shutdown (leadership handed over first); losing the parent ends the node.
 */
import { type NodeConfig, type PeerInfo, ReplicaNode } from './node.ts';

// the parent may die between the check and the write: the callback takes the EPIPE that would
// otherwise crash this node with a stack trace ('disconnect' then ends it quietly)
const send = (m: object) => {
  if (process.connected) process.send?.(m, undefined, undefined, () => {});
};

const COUNTERS_MS = 1000;

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.PIPELAB_BROKER_NODE ?? '{}') as NodeConfig;
  const node = new ReplicaNode(cfg);
  node.onView = (view) => send({ t: 'view', view });
  const { port, controlPort, replicaPort } = await node.start();
  let stopping = false;
  const stop = async (clean: boolean) => {
    if (stopping) return;
    stopping = true;
    if (clean) await node.shutdown();
    else await node.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop(true));
  process.on('SIGINT', () => void stop(true));
  process.on('disconnect', () => void stop(false));
  process.on('message', (m: { t: string; peers?: PeerInfo[]; req?: number; name?: string; spec?: object }) => {
    if (m.t === 'peers') node.setPeers(m.peers ?? []);
    else if (m.t === 'create') send({ t: 'created', req: m.req, error: node.createTopic(m.name ?? '', m.spec ?? {}) });
    else if (m.t === 'counters') send({ t: 'counters', req: m.req, counters: node.counters() });
  });
  // the parent's stats() sum what each node last reported
  setInterval(() => send({ t: 'counters', counters: node.counters() }), COUNTERS_MS).unref();
  send({ t: 'ready', port, controlPort, replicaPort });
}

main().catch((e: unknown) => {
  process.stderr.write(`pipelab broker node: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
