/** Streaming drift detectors (River semantics) and a registry by name. */
import { Adwin, type AdwinOptions } from './adwin.ts';
import { PageHinkley, type PageHinkleyOptions } from './page-hinkley.ts';
import { Kswin, type KswinOptions } from './kswin.ts';
import { Ddm, type DdmOptions } from './ddm.ts';
import { Eddm, type EddmOptions } from './eddm.ts';
import { HddmA, type HddmAOptions } from './hddm-a.ts';
import type { StreamingDetector } from './types.ts';

export { Adwin, PageHinkley, Kswin, Ddm, Eddm, HddmA };
export type {
  StreamingDetector,
  AdwinOptions,
  PageHinkleyOptions,
  KswinOptions,
  DdmOptions,
  EddmOptions,
  HddmAOptions,
};
export { ADWIN_DEFAULTS } from './adwin.ts';
export { PAGE_HINKLEY_DEFAULTS } from './page-hinkley.ts';
export { KSWIN_DEFAULTS } from './kswin.ts';
export { DDM_DEFAULTS } from './ddm.ts';
export { EDDM_DEFAULTS } from './eddm.ts';
export { HDDM_A_DEFAULTS } from './hddm-a.ts';

export type DetectorName = 'adwin' | 'page-hinkley' | 'kswin' | 'ddm' | 'eddm' | 'hddm-a';

export const DETECTORS: Record<
  DetectorName,
  { make: (opts?: Record<string, unknown>) => StreamingDetector; binary: boolean }
> = {
  adwin: { make: (o) => new Adwin(o as AdwinOptions), binary: false },
  'page-hinkley': { make: (o) => new PageHinkley(o as PageHinkleyOptions), binary: false },
  kswin: { make: (o) => new Kswin(o as KswinOptions), binary: false },
  ddm: { make: (o) => new Ddm(o as DdmOptions), binary: true },
  eddm: { make: (o) => new Eddm(o as EddmOptions), binary: true },
  'hddm-a': { make: (o) => new HddmA(o as HddmAOptions), binary: true },
};

export function createDetector(name: DetectorName, opts?: Record<string, unknown>): StreamingDetector {
  return DETECTORS[name].make(opts);
}
