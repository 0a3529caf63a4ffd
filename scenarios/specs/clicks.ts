/**
 * An event spec in TypeScript: a declarative stream of users beside a function stream of clicks
 * that looks users up. `pipelab generate --spec scenarios/specs/clicks.ts -n 10`, or pass the
 * spec (or the function alone) to a kafka target's `produce.generator`.
 */
import { defineEventSpec } from 'pipelab/generators';

export default defineEventSpec({
  seed: 7,
  streams: {
    users: {
      fields: {
        id: { type: 'uuid' },
        plan: { type: 'choice', values: { free: 8, pro: 2 } },
      },
    },
    clicks: {
      weight: 5,
      // called once per event: the same seed gives the same clicks
      generate: ({ rng, index, eventTime, lookup }) => ({
        id: `click-${index}`,
        userId: lookup('users.id') ?? null,
        x: rng.int(1920),
        y: rng.int(1080),
        at: eventTime,
      }),
      disorder: { share: 0.02, lag: { type: 'exponential', mean: 5000 } },
    },
  },
});
