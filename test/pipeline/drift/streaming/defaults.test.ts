/**
 * Every streaming detector built with its options given as undefined (a notebook passing
 * `{ delta: flags.delta }` without the flag) behaves as one built with none: the same drifts on
 * River's reference streams. A spread over the defaults made those options undefined (NaN thresholds).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ADWIN_DEFAULTS,
  createDetector,
  DDM_DEFAULTS,
  DETECTORS,
  type DetectorName,
  EDDM_DEFAULTS,
  HDDM_A_DEFAULTS,
  KSWIN_DEFAULTS,
  PAGE_HINKLEY_DEFAULTS,
} from '../../../../pipeline/drift/streaming/index.ts';
import { binary42, docstringEvents, stream12345 } from '../../../helpers/river-streams.ts';

const DEFAULTS: Record<DetectorName, object> = {
  adwin: ADWIN_DEFAULTS,
  'page-hinkley': PAGE_HINKLEY_DEFAULTS,
  kswin: KSWIN_DEFAULTS,
  ddm: DDM_DEFAULTS,
  eddm: EDDM_DEFAULTS,
  'hddm-a': HDDM_A_DEFAULTS,
};

for (const name of Object.keys(DETECTORS) as DetectorName[]) {
  test(`${name}: options given as undefined keep their defaults`, () => {
    const unset = Object.fromEntries(Object.keys(DEFAULTS[name]).map((k) => [k, undefined]));
    const xs = DETECTORS[name].binary ? binary42 : stream12345;
    const expected = docstringEvents(createDetector(name), xs);
    assert.ok(
      expected.some((e) => e.startsWith('drift')),
      'the reference stream drifts',
    );
    assert.equal(docstringEvents(createDetector(name, unset), xs), expected);
  });
}

test.run();
