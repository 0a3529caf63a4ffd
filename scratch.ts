import { simulate } from './index.ts';
const cfg: any = { seed: 1, durationMs: 10000, arrivals: { kind: 'poisson', rate: 50_000 }, partitions: 12, consumers: { replicas: 12, cores: 4, process: { type: 'exponential', meanMs: 0.3 } }, modelServer: { replicas: 12 } };
const t0 = process.cpuUsage();
const s = simulate(cfg);
const u = process.cpuUsage(t0);
console.log('cpu s', (u.user + u.system) / 1e6, 'events', (s.extra as any).sim.events);
