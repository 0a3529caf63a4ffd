/** The PipelabError a call throws or a promise rejects with; anything else fails the test. */
import * as assert from 'uvu/assert';
import { PipelabError } from '../../errors.ts';

export function thrown(fn: () => unknown): PipelabError {
  try {
    fn();
  } catch (e) {
    assert.instance(e, PipelabError);
    return e as PipelabError;
  }
  throw new Error('expected a PipelabError');
}

export async function rejected(p: Promise<unknown> | (() => Promise<unknown>)): Promise<PipelabError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    assert.instance(e, PipelabError);
    return e as PipelabError;
  }
  throw new Error('expected a PipelabError');
}
