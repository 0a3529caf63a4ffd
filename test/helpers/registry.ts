/**
 * Registries a test file creates and closes after each test (a registry holds a timer), so a
 * failed assertion leaves none running: `const reg = closingRegistries(test)`, then `reg(opts)`.
 */
import type { Test } from 'uvu';
import { createRegistry, type Registry } from '../../harness/metrics/registry.ts';

export function closingRegistries(test: Test): (opts?: Parameters<typeof createRegistry>[0]) => Registry {
  const open: Registry[] = [];
  test.after.each(() => {
    for (const r of open.splice(0)) r.close();
  });
  return (opts) => {
    const r = createRegistry(opts);
    open.push(r);
    return r;
  };
}
