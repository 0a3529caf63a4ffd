/**
 * Options over defaults, the one way every component with a defaults object reads its options
 * (pipeline processor parts, the model server, the drift monitor and loop, the pipeline target).
 * Here, at the bottom of the layers, because it serves pipeline/ and harness/ alike; the broker,
 * which imports nothing of ours but errors.ts, keeps its own line.
 */

/** the defaults, each replaced by its option when that is set (never by an option left undefined) */
export type WithDefaults<D extends object, O extends object> = Omit<O, keyof D> & {
  [K in keyof D]: K extends keyof O ? D[K] | Exclude<O[K], undefined> : D[K];
};

/**
 * `{ ...defaults, ...options }`, except that an option given as `undefined` keeps its default:
 * `startModelServer({ batchSize: flags.batchSize })` without the flag must not turn the default
 * batch size into undefined, which a plain spread does.
 */
export function withDefaults<D extends object, O extends object>(defaults: D, options: O): WithDefaults<D, O> {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) out[k] = v;
  return out as WithDefaults<D, O>;
}
