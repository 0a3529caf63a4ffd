/**
 * The model server on a worker thread of its own (thread.ts): the same answers over HTTP as the
 * server on this thread, the slow and erroring faults and the outage crossing the thread boundary,
 * the /predict count readable after close, and the thread gone once closed (the test process exits).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { threadId } from 'node:worker_threads';
import { request } from 'undici';
import { startModelServer } from '../../../pipeline/model-server/server.ts';
import { startModelServerThread, type ModelServerThread } from '../../../pipeline/model-server/thread.ts';
import { PACKAGE_MODELS_DIR } from '../../../pipeline/model/artefacts.ts';
import { instance } from '../../helpers/fraud-model.ts';

let thread: ModelServerThread;
test.before(async () => {
  thread = await startModelServerThread({ models: PACKAGE_MODELS_DIR });
});
test.after(async () => {
  await thread?.close();
});

async function post(url: string, body: unknown, signal?: AbortSignal) {
  const res = await request(`${url}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  return { status: res.statusCode, json: (await res.body.json()) as any };
}

test('it runs on another thread and scores as the server on this thread does', async () => {
  assert.ok(thread.threadId > 0 && thread.threadId !== threadId, `thread ${thread.threadId}`);
  const here = await startModelServer({ models: PACKAGE_MODELS_DIR });
  try {
    assert.equal(thread.versions, here.versions);
    const body = { instances: Array.from({ length: 40 }, (_, i) => instance(i)) };
    const [a, b] = await Promise.all([post(thread.url, body), post(here.url, body)]);
    assert.is(a.status, 200);
    assert.equal(a.json, b.json);
  } finally {
    await here.close();
  }
});

test('erroring: the share is answered 503 by the thread; lifted, it answers again', async () => {
  thread.erroring(1);
  const refused = await post(thread.url, instance(1));
  assert.is(refused.status, 503);
  assert.is(refused.json.error.code, 'FAULT_INJECTED');
  thread.erroring(undefined);
  assert.is((await post(thread.url, instance(1))).status, 200);
});

test('slow: each request waits a delay drawn here, in blocks; lifted, requests answer again', async () => {
  let drawn = 0;
  thread.slow(() => {
    drawn++;
    return 60_000;
  });
  assert.ok(drawn > 0, 'the delays are drawn on this thread (the run’s random stream)');
  // held for a minute: it cannot answer within the abort's 300 ms, however loaded the machine
  const held = await post(thread.url, instance(2), AbortSignal.timeout(300)).then(
    () => 'answered',
    (e: Error) => e.name,
  );
  assert.is(held, 'TimeoutError');
  thread.slow(undefined);
  assert.is((await post(thread.url, instance(3))).status, 200);
});

test('down refuses connections, up listens again on the same port; count and busy time read after close', async () => {
  await thread.down();
  const refused = await post(thread.url, instance(4)).then(
    () => 'answered',
    (e: { code?: string }) => e.code,
  );
  assert.is(refused, 'ECONNREFUSED');
  await thread.up();
  assert.is((await post(thread.url, instance(5))).status, 200);
  // 200, 503 and 200, 200 after the slow fault, 200 after up (the one held by the delay is not answered yet)
  const before = await thread.predictRequests();
  assert.ok(before >= 5, `counted ${before}`);
  assert.ok(thread.activeMs() > 0, `busy ${thread.activeMs()} ms`);
  await thread.close();
  assert.is(await thread.predictRequests(), before);
  // read at the close and kept (a live thread's reading moves: its idle time is counted when its loop wakes)
  const closed = thread.activeMs();
  assert.ok(closed > 0, `busy ${closed} ms`);
  assert.is(thread.activeMs(), closed);
  await thread.close(); // again: nothing
});

test('a folder without models fails the start, naming why, and leaves no thread behind', async () => {
  try {
    await startModelServerThread({ models: '/nonexistent/models' });
    assert.unreachable('started without models');
  } catch (e) {
    assert.match((e as Error).message, /model server thread did not start/);
  }
});

test.run();
