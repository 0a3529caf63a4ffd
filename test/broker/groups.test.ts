/** The group coordinator state machine on a virtual clock. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { E, type JoinRequest, type Timers } from '../../broker/group-types.ts';
import { Groups } from '../../broker/groups.ts';

class VirtualTimers implements Timers {
  now = 0;
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  setTimeout(fn: () => void, ms: number) {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(h: unknown) {
    this.pending.delete(h as number);
  }
  advance(ms: number) {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.pending].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = until;
  }
}

const meta = Buffer.from('m');
const req = (memberId: string, o: Partial<JoinRequest> = {}): JoinRequest => ({
  groupId: 'g',
  memberId,
  groupInstanceId: null,
  clientId: 'c',
  clientHost: 'h',
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 5_000,
  protocolType: 'consumer',
  protocols: [{ name: 'range', metadata: meta }],
  requireKnownMemberId: true,
  ...o,
});

function setup() {
  const timers = new VirtualTimers();
  return { timers, groups: new Groups({ minSessionTimeoutMs: 1000, maxSessionTimeoutMs: 60_000 }, timers) };
}

async function joinNew(groups: Groups): Promise<string> {
  const first = await groups.join(req(''));
  assert.is(first.errorCode, E.MEMBER_ID_REQUIRED);
  return first.memberId;
}

test('a new member gets MEMBER_ID_REQUIRED, then joins as leader of generation 1', async () => {
  const { groups } = setup();
  const id = await joinNew(groups);
  const r = await groups.join(req(id));
  assert.is(r.errorCode, E.NONE);
  assert.is(r.generationId, 1);
  assert.is(r.leader, id);
  assert.is(r.members.length, 1);
  const s = await groups.sync('g', 1, id, [{ memberId: id, assignment: Buffer.from('a') }]);
  assert.equal([s.errorCode, s.assignment.toString()], [E.NONE, 'a']);
  assert.is(groups.get('g')!.state, 'Stable');
});

test('a second member triggers a rebalance that holds joins until every member rejoined', async () => {
  const { groups } = setup();
  const a = await joinNew(groups);
  await groups.join(req(a));
  await groups.sync('g', 1, a, []);
  const b = await joinNew(groups);
  let bDone = false;
  const bJoin = groups.join(req(b)).then((r) => {
    bDone = true;
    return r;
  });
  await Promise.resolve();
  assert.is(groups.get('g')!.state, 'PreparingRebalance');
  assert.is(groups.heartbeat('g', 1, a), E.REBALANCE_IN_PROGRESS);
  assert.not.ok(bDone);
  const aJoin = await groups.join(req(a));
  const bRes = await bJoin;
  assert.is(aJoin.generationId, 2);
  assert.is(bRes.generationId, 2);
  assert.is(aJoin.leader, a, 'the previous leader stays leader');
  assert.is(aJoin.members.length, 2, 'only the leader gets the member list');
  assert.is(bRes.members.length, 0);
  // the follower waits in SyncGroup for the leader's assignments
  const bSync = groups.sync('g', 2, b, []);
  const aSync = await groups.sync('g', 2, a, [
    { memberId: a, assignment: Buffer.from('A') },
    { memberId: b, assignment: Buffer.from('B') },
  ]);
  assert.is(aSync.assignment.toString(), 'A');
  assert.is((await bSync).assignment.toString(), 'B');
});

test('a rejoin while the group awaits its assignments gets its generation back (Kafka), no rebalance', async () => {
  const { groups } = setup();
  const a = await joinNew(groups);
  await groups.join(req(a));
  await groups.sync('g', 1, a, []);
  const b = await joinNew(groups);
  const bJoin = groups.join(req(b));
  await groups.join(req(a));
  await bJoin;
  assert.is(groups.get('g')!.state, 'CompletingRebalance');
  // kafkajs rejoins from several paths at once (a fetcher finding a moved leader, its heartbeat)
  const again = await groups.join(req(b));
  assert.equal([again.errorCode, again.generationId, again.members.length], [E.NONE, 2, 0]);
  const leader = await groups.join(req(a));
  assert.equal([leader.generationId, leader.leader, leader.members.length], [2, a, 2]);
  assert.is(groups.get('g')!.state, 'CompletingRebalance');
  // a changed subscription still rebalances
  void groups.join(req(b, { protocols: [{ name: 'range', metadata: Buffer.from('other') }] }));
  await Promise.resolve();
  assert.is(groups.get('g')!.state, 'PreparingRebalance');
});

test('a member that stops heartbeating expires after its session timeout and the group rebalances', async () => {
  const { groups, timers } = setup();
  const a = await joinNew(groups);
  await groups.join(req(a, { sessionTimeoutMs: 2000 }));
  await groups.sync('g', 1, a, []);
  timers.advance(1500);
  assert.is(groups.heartbeat('g', 1, a), E.NONE);
  timers.advance(1999);
  assert.is(groups.get('g')!.members.size, 1);
  timers.advance(2);
  assert.is(groups.get('g')!.members.size, 0);
  assert.is(groups.get('g')!.state, 'Empty');
  assert.is(groups.heartbeat('g', 1, a), E.UNKNOWN_MEMBER_ID);
});

test('members that do not rejoin within the rebalance timeout are dropped', async () => {
  const { groups, timers } = setup();
  const a = await joinNew(groups);
  await groups.join(req(a));
  await groups.sync('g', 1, a, []);
  const b = await joinNew(groups);
  const bJoin = groups.join(req(b));
  timers.advance(5001);
  const r = await bJoin;
  assert.is(r.errorCode, E.NONE);
  assert.is(r.leader, b);
  assert.equal([...groups.get('g')!.members.keys()], [b]);
});

test('commits are accepted while preparing a rebalance and refused while completing one', async () => {
  const { groups } = setup();
  const a = await joinNew(groups);
  await groups.join(req(a));
  assert.is(groups.checkCommit('g', 1, a), E.REBALANCE_IN_PROGRESS);
  await groups.sync('g', 1, a, []);
  assert.is(groups.checkCommit('g', 1, a), E.NONE);
  assert.is(groups.checkCommit('g', 0, a), E.ILLEGAL_GENERATION);
  const b = await joinNew(groups);
  void groups.join(req(b));
  assert.is(groups.get('g')!.state, 'PreparingRebalance');
  assert.is(groups.checkCommit('g', 1, a), E.NONE);
  assert.is(groups.checkCommit('g', -1, ''), E.UNKNOWN_MEMBER_ID, 'a simple consumer may not commit into a live group');
  assert.is(groups.checkCommit('other', -1, ''), E.NONE);
});

test('leaving empties the group; an unknown session timeout is refused', async () => {
  const { groups } = setup();
  const a = await joinNew(groups);
  await groups.join(req(a));
  assert.is(groups.leave('g', a), E.NONE);
  assert.is(groups.get('g')!.state, 'Empty');
  assert.is((await groups.join(req('', { sessionTimeoutMs: 10 }))).errorCode, E.INVALID_SESSION_TIMEOUT);
  assert.is(groups.delete('g'), E.NONE);
});

test('a member waiting in a held join is not expired by its session timeout', async () => {
  const { groups, timers } = setup();
  const a = await joinNew(groups);
  await groups.join(req(a, { sessionTimeoutMs: 2000, rebalanceTimeoutMs: 10_000 }));
  await groups.sync('g', 1, a, []);
  const b = await joinNew(groups);
  let bResult: number | undefined;
  void groups.join(req(b, { sessionTimeoutMs: 2000, rebalanceTimeoutMs: 10_000 })).then((r) => {
    bResult = r.errorCode;
  });
  // a keeps heartbeating (getting REBALANCE_IN_PROGRESS) but does not rejoin yet; b waits
  for (let t = 0; t < 6000; t += 1000) {
    timers.advance(1000);
    groups.heartbeat('g', 1, a);
  }
  assert.ok(groups.get('g')!.members.has(b), 'b is still a member after 3 session timeouts');
  assert.is(bResult, undefined);
  await groups.join(req(a, { sessionTimeoutMs: 2000, rebalanceTimeoutMs: 10_000 }));
  await Promise.resolve();
  assert.is(bResult, E.NONE);
});

test.run();
