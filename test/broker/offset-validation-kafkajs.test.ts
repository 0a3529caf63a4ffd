/**
 * Kafka's OffsetValidationTest (offset-validation-cases.ts) with kafkajs members, each a child
 * process (offset-validation-member.ts): a clean stop is consumer.disconnect() (the batch in hand
 * committed, then LeaveGroup), a hard one SIGKILL (no commit, no leave: the group finds out by
 * session timeout). Rebalances are the GROUP_JOIN events that joined a new generation. In the
 * rolling broker bounce kafkajs rejoins on its own when a leader or the coordinator moves (a new
 * generation when the leader does, by Kafka's rule): the case fails when a member is dropped
 * (joins again under a new id); a new generation its own rejoins do not explain is printed, not
 * yet failed — its cause (the coordinator asking both members to rejoin mid-bounce) is open.
 */
import { test } from 'uvu';
import { offsetValidationCases } from './offset-validation-cases.ts';
import { KafkajsMember, unexplainedRebalances } from './offset-validation-kafkajs.ts';

offsetValidationCases(
  'kafkajs',
  (name, broker, consumed, sessionTimeoutMs) => new KafkajsMember(name, broker, consumed, sessionTimeoutMs),
  true,
  (members, before) => {
    const r = unexplainedRebalances(members as KafkajsMember[], before);
    // a new generation neither the leader's own rejoin nor a dropped member explains shows in
    // some runs (2 of 13 since 13e9251): right after the leader's own rejoin (a moved leader),
    // both rejoin for REBALANCE_IN_PROGRESS. Likely kafkajs's echo (its heartbeat saw the
    // rebalance its own rejoin began, and the leader rejoins again once that one completed):
    // printed, not yet judged (see the comment above)
    return { fail: r.dropped, note: r.generations };
  },
);

test.run();
