/**
 * Kafka's OffsetValidationTest (offset-validation-cases.ts) with librdkafka members: Debian's
 * kcat -G, one OS process each, auto-commit; a clean stop is SIGTERM (kcat closes the consumer:
 * final commit, LeaveGroup), a hard one SIGKILL. offset-validation-kafkajs.test.ts runs the same
 * cases with kafkajs members.
 */
import { test } from 'uvu';
import { haveTool } from '../helpers/tools.ts';
import { offsetValidationCases } from './offset-validation-cases.ts';
import { Member } from './offset-validation-run.ts';

offsetValidationCases(
  'librdkafka',
  (name, broker, consumed, sessionTimeoutMs, where) => new Member(name, broker, consumed, sessionTimeoutMs, where),
  haveTool('kcat', ['-V']),
);

test.run();
