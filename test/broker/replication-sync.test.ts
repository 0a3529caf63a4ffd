/**
 * A restarted node of a replicated cluster serves no request before it has the controller's
 * state. Three ReplicaNodes (the class each node process runs) in this process, on real sockets;
 * node 2 is closed and started again on its ports, and a raw Metadata request reaches it before
 * it is given its peers — the window is held open by withholding them, not by racing a clock.
 * Before the fix it answered from its empty topic list: UNKNOWN_TOPIC_OR_PARTITION, or a topic
 * it auto-created on its own with one partition.
 */
import { randomUUID } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type NodeConfig, type NodeView, type PeerInfo, ReplicaNode } from '../../broker/replication/node.ts';
import { metadataRequest, readMetadata } from '../helpers/metadata.ts';
import { RawClient } from './raw-client.ts';

const HOST = '127.0.0.1';
const TOPIC = 'orders';

function config(id: number, port = 0, controlPort = 0): NodeConfig {
  return {
    id,
    incarnation: randomUUID(),
    host: HOST,
    advertisedHost: HOST,
    port,
    controlPort,
    cluster: {
      autoCreateTopics: true,
      defaultPartitions: 1,
      defaultReplicationFactor: 3,
      clusterId: 'sync-test',
      maxFrameBytes: 1 << 20,
      checkCrc: true,
      minSessionTimeoutMs: 0,
      maxSessionTimeoutMs: 60_000,
      maxFetchWaitMs: 500,
    },
    retentionCheckMs: 0,
    heartbeatMs: 50,
    sessionMs: 2000,
    minInsyncReplicas: 1,
    replicaLagMs: 5000,
    uncleanElection: false,
  };
}

/** a node and the views it applied; `until` resolves when one satisfies pred */
function watch(node: ReplicaNode) {
  let last: NodeView | undefined;
  const waiters = new Set<() => void>();
  node.onView = (v) => {
    last = v;
    for (const w of [...waiters]) w();
  };
  return {
    node,
    get view() {
      return last;
    },
    until(pred: (v: NodeView) => boolean, what: string): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`node ${node.cfg.id}: ${what} not reached`)), 20_000);
        const check = () => {
          if (!last || !pred(last)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Metadata v4 (topics, allow_auto_topic_creation): each topic's error, name, internal flag and partition leaders */
async function metadata(c: RawClient, topics: string[] | null) {
  const r = readMetadata((await c.send(3, 4, metadataRequest(4, topics)))!, 4);
  return r.topics.map((t) => ({
    error: t.error,
    name: t.name,
    internal: t.internal,
    leaders: t.partitions.map((p) => p.leader),
  }));
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a restarted node holds Metadata until it has the controller state, then answers with the topic', async () => {
  const nodes = [0, 1, 2].map((id) => watch(new ReplicaNode(config(id))));
  const addrs = await Promise.all(nodes.map((n) => n.node.start()));
  const peers: PeerInfo[] = addrs.map((a, id) => ({ id, host: HOST, port: a.port, controlPort: a.controlPort }));
  let restarted: ReturnType<typeof watch> | undefined;
  let raw: RawClient | undefined;
  try {
    for (const n of nodes) n.node.setPeers(peers);
    for (const n of nodes) await n.until((v) => v.controller >= 0 && v.alive.length === 3, 'all alive');
    const ctl = nodes.find((n) => n.node.isController)!;
    assert.is(ctl.node.createTopic(TOPIC, { partitions: 3, replicationFactor: 3 }), undefined);
    for (const n of nodes) await n.until((v) => v.leaders[TOPIC]?.every((l) => l >= 0) === true, 'topic led');

    await nodes[2]!.node.close();
    restarted = watch(new ReplicaNode(config(2, addrs[2]!.port, addrs[2]!.controlPort)));
    await restarted.node.start();
    raw = await RawClient.connect(`${HOST}:${addrs[2]!.port}`);
    let answeredEarly = false;
    let leadersThen: number[] | undefined;
    const named = metadata(raw, [TOPIC]).then((topics) => {
      answeredEarly = restarted!.view === undefined;
      leadersThen = restarted!.view?.leaders[TOPIC];
      return topics;
    });
    const all = metadata(raw, null);
    // no peers, so no controller state can reach it: whatever it answered now came from an empty topic list
    await settle(300);
    assert.not.ok(answeredEarly, 'answered Metadata before it had the controller state');
    assert.is(restarted.node.cluster.topics.get(TOPIC), undefined, 'nothing auto-created while unsynced');

    restarted.node.setPeers(peers);
    const [topic] = await named;
    assert.not.ok(answeredEarly, 'answered Metadata before it had the controller state');
    assert.equal(topic, { error: 0, name: TOPIC, internal: false, leaders: leadersThen });
    assert.is(topic!.leaders.length, 3);
    assert.ok(topic!.leaders.every((l) => l >= 0));
    const listed = await all;
    assert.ok(
      listed.some((t) => t.name === TOPIC && t.leaders.length === 3),
      'the held all-topics request lists the topic',
    );
  } finally {
    raw?.close();
    await Promise.all([...nodes.slice(0, 2), ...(restarted ? [restarted] : [])].map((n) => n.node.close()));
  }
});

test('a node alone still comes up: it becomes controller and serves what it held', async () => {
  const n = watch(new ReplicaNode(config(0)));
  const { port, controlPort } = await n.node.start();
  const raw = await RawClient.connect(`${HOST}:${port}`);
  try {
    const held = metadata(raw, ['alone']);
    n.node.setPeers([{ id: 0, host: HOST, port, controlPort }]);
    const [topic] = await held;
    assert.ok(n.node.isController);
    // auto-created through the controller, once there is one: a real topic, led by the node
    assert.equal(topic, { error: 0, name: 'alone', internal: false, leaders: [0] });
  } finally {
    raw.close();
    await n.node.close();
  }
});

test.run();
