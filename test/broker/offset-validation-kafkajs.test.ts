/**
 * Kafka's OffsetValidationTest (offset-validation-cases.ts) with kafkajs members, each a child
 * process (offset-validation-member.ts): a clean stop is consumer.disconnect() (the batch in hand
 * committed, then LeaveGroup), a hard one SIGKILL (no commit, no leave: the group finds out by
 * session timeout). Rebalances are the GROUP_JOIN events that joined a new generation. In the
 * rolling broker bounce kafkajs rejoins on its own when a leader or the coordinator moves (a new
 * generation when the leader does, by Kafka's rule), and echoes such a rejoin of the leader's
 * once (unexplainedRebalances): the case fails on a member dropped (joined again under a new id)
 * and on any new generation neither explains. The rule itself is checked first, on join records.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Broker } from '../../broker/index.ts';
import { offsetValidationCases } from './offset-validation-cases.ts';
import { type Join, KafkajsMember, unexplainedRebalances } from './offset-validation-kafkajs.ts';
import { Consumed } from './offset-validation-run.ts';

/** two members that joined generation 2 (m1 leading), then the bounce's joins as the debug log shows them */
function group(
  leaderJ2: Partial<Join>,
  leaderJ1: Partial<Join> = {},
): { members: KafkajsMember[]; before: Map<KafkajsMember, number> } {
  const broker = { bootstrap: [] } as unknown as Broker;
  const [m0, m1] = ['m0', 'm1'].map((n) => new KafkajsMember(n, broker, new Consumed()));
  const j = (generation: number, leader: boolean, why: Join['why'], heard: Join['heard'] = []): Join => ({
    generation,
    memberId: leader ? 'id1' : 'id0',
    leader,
    why,
    heard,
  });
  m0!.joins.push(j(2, false, ['start']));
  m1!.joins.push(j(2, true, ['start']));
  const before = new Map([
    [m0!, 1],
    [m1!, 1],
  ]);
  // a partition's leader moved: the follower gets generation 2 back, the leader's rejoin starts 3
  m0!.joins.push(j(2, false, ['stale']), j(3, false, ['rebalance'], ['other']));
  // the leader's heartbeat, sent while its rejoin was under way, met the rebalance it began
  m1!.joins.push({ ...j(3, true, ['stale']), ...leaderJ1 }, { ...j(4, true, ['rebalance'], ['own']), ...leaderJ2 });
  m0!.joins.push(j(4, false, ['rebalance'], ['other']));
  return { members: [m0!, m1!], before };
}

test("unexplainedRebalances: the leader's echo is explained, nothing like it is", () => {
  const g = group({});
  assert.equal(unexplainedRebalances(g.members, g.before), { dropped: [], generations: [], echoes: 1 });
  const unlike: Array<[string, Partial<Join>, Partial<Join>?]> = [
    ['a request sent in the settled generation met it', { heard: ['own', 'other'] }],
    ['no request met a rebalance', { heard: [] }],
    ['it skipped a generation', { generation: 5 }],
    ['the member rejoined for another reason too', { why: ['rebalance', 'unknown'] }],
    // kafkajs's runner stops every fetcher before it rejoins: nothing of its can echo
    ['the first rejoin was for a moved coordinator', {}, { why: ['coordinator'] }],
  ];
  for (const [what, j2, j1] of unlike) {
    const { members, before } = group(j2, j1);
    const r = unexplainedRebalances(members, before);
    assert.is(r.echoes, 0, what);
    const generation = j2.generation ?? 4;
    assert.ok(
      r.generations.some((s) => s.startsWith(`generation ${generation} `)),
      `${what}: ${r.generations}`,
    );
  }
});

offsetValidationCases(
  'kafkajs',
  (name, broker, consumed, sessionTimeoutMs, where) =>
    new KafkajsMember(name, broker, consumed, sessionTimeoutMs, where),
  true,
  (members, before) => {
    const r = unexplainedRebalances(members as KafkajsMember[], before);
    return {
      fail: [...r.dropped, ...r.generations],
      note: r.echoes ? [`echoes of the leader's rejoin ${r.echoes}`] : [],
    };
  },
);

test.run();
