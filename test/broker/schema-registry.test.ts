import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startBroker } from '../../broker/index.ts';
import { startSchemaRegistry, type SchemaRegistry } from '../../broker/schema-registry/index.ts';

const CT = 'application/vnd.schemaregistry.v1+json';
const V1 = { type: 'record', name: 'User', namespace: 'app', fields: [{ name: 'id', type: 'string' }] };
const withField = (field: object) => ({ ...V1, fields: [...V1.fields, field] });
const V2_COMPATIBLE = withField({ name: 'plan', type: 'string', default: 'free' });
const V2_INCOMPATIBLE = withField({ name: 'plan', type: 'string' }); // no default: cannot read v1 data

let registry: SchemaRegistry;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(registry.url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': CT },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.is(res.headers.get('content-type'), CT, `${method} ${path} content type`);
  return { status: res.status, json: await res.json() };
}
const register = (subject: string, schema: object) =>
  call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema: JSON.stringify(schema) });

test.before.each(async () => {
  registry = await startSchemaRegistry();
});
test.after.each(async () => {
  await registry.close();
});

test('register is idempotent; a schema keeps one id across subjects; versions count per subject', async () => {
  assert.equal(await register('users-value', V1), { status: 200, json: { id: 1 } });
  assert.equal(await register('users-value', V1), { status: 200, json: { id: 1 } });
  // the same schema written differently (whitespace) is the same schema
  const spaced = await call('POST', '/subjects/users-value/versions', { schema: JSON.stringify(V1, null, 2) });
  assert.equal(spaced.json, { id: 1 });
  assert.equal(await register('audit-value', V1), { status: 200, json: { id: 1 } });
  assert.equal((await register('users-value', V2_COMPATIBLE)).json, { id: 2 });
  assert.equal((await call('GET', '/subjects')).json, ['audit-value', 'users-value']);
  assert.equal((await call('GET', '/subjects/users-value/versions')).json, [1, 2]);
  assert.equal((await call('GET', '/subjects/audit-value/versions')).json, [1]);
  assert.equal(registry.stats(), { schemas: 2, subjects: 2 });
});

test('schemas by id, versions by number and latest, lookup by schema', async () => {
  await register('users-value', V1);
  await register('users-value', V2_COMPATIBLE);
  assert.equal((await call('GET', '/schemas/ids/1')).json, { schema: JSON.stringify(V1) });
  assert.equal((await call('GET', '/schemas/ids/2/schema')).json, V2_COMPATIBLE);
  assert.equal((await call('GET', '/subjects/users-value/versions/1')).json, {
    subject: 'users-value',
    version: 1,
    id: 1,
    schema: JSON.stringify(V1),
  });
  assert.equal((await call('GET', '/subjects/users-value/versions/latest')).json, {
    subject: 'users-value',
    version: 2,
    id: 2,
    schema: JSON.stringify(V2_COMPATIBLE),
  });
  assert.equal((await call('GET', '/subjects/users-value/versions/2/schema')).json, V2_COMPATIBLE);
  const found = await call('POST', '/subjects/users-value', { schema: JSON.stringify(V1) });
  assert.equal(found.json, { subject: 'users-value', version: 1, id: 1, schema: JSON.stringify(V1) });
  assert.equal((await call('GET', '/schemas/types')).json, ['AVRO']);
});

test('error bodies: Confluent status, error_code and message', async () => {
  await register('users-value', V1);
  const cases: Array<[string, string, unknown, number, number, RegExp]> = [
    ['GET', '/subjects/nope/versions', undefined, 404, 40401, /Subject 'nope' not found/],
    ['GET', '/subjects/nope/versions/latest', undefined, 404, 40401, /Subject 'nope' not found/],
    ['GET', '/subjects/users-value/versions/7', undefined, 404, 40402, /Version 7 not found/],
    ['GET', '/subjects/users-value/versions/x', undefined, 422, 42202, /not a valid version id/],
    ['GET', '/schemas/ids/99', undefined, 404, 40403, /Schema 99 not found/],
    ['POST', '/subjects/users-value', { schema: JSON.stringify(V2_COMPATIBLE) }, 404, 40403, /Schema not found/],
    ['POST', '/subjects/nope', { schema: JSON.stringify(V1) }, 404, 40401, /Subject 'nope' not found/],
    [
      'POST',
      '/subjects/x/versions',
      { schema: '{"type":"record","name":"X","fields":[{"name":"a"}]}' },
      422,
      42201,
      /Invalid schema/,
    ],
    ['POST', '/subjects/x/versions', { schema: '{"type":"nope"}' }, 422, 42201, /Invalid schema: .*nope/],
    ['POST', '/subjects/x/versions', {}, 422, 42201, /no "schema"/],
    ['POST', '/subjects/x/versions', { schema: '{}', schemaType: 'PROTOBUF' }, 422, 42201, /AVRO schemas only/],
    ['GET', '/config/users-value', undefined, 404, 40408, /does not have subject-level compatibility/],
    ['PUT', '/config', { compatibility: 'SIDEWAYS' }, 422, 42203, /Invalid compatibility level/],
    ['GET', '/nowhere', undefined, 404, 404, /HTTP 404 Not Found/],
    ['PATCH', '/subjects', undefined, 405, 405, /HTTP 405 Method Not Allowed/],
  ];
  for (const [method, path, body, status, code, message] of cases) {
    const r = await call(method, path, body);
    const j = r.json as { error_code: number; message: string };
    assert.is(r.status, status, `${method} ${path} status`);
    assert.is(j.error_code, code, `${method} ${path} error_code`);
    assert.match(j.message, message);
    assert.equal(Object.keys(j).sort(), ['error_code', 'message']);
  }
  const res = await fetch(`${registry.url}/subjects/x/versions`, { method: 'POST', body: '{not json' });
  assert.is(res.status, 400);
  assert.is(((await res.json()) as { error_code: number }).error_code, 400);
});

test('BACKWARD (the default) refuses an incompatible change with 409 and accepts a compatible one', async () => {
  assert.equal((await call('GET', '/config')).json, { compatibilityLevel: 'BACKWARD' });
  await register('users-value', V1);
  const refused = await register('users-value', V2_INCOMPATIBLE);
  assert.is(refused.status, 409);
  const body = refused.json as { error_code: number; message: string };
  assert.is(body.error_code, 409);
  assert.match(
    body.message,
    /incompatible with an earlier schema for subject "users-value" \(compatibility BACKWARD\)/,
  );
  assert.match(body.message, /version 1: .*plan/);
  assert.equal((await call('GET', '/subjects/users-value/versions')).json, [1], 'nothing registered');
  assert.equal((await register('users-value', V2_COMPATIBLE)).json, { id: 2 });
  // the compatibility check endpoint says the same without registering
  const check = await call('POST', '/compatibility/subjects/users-value/versions/1?verbose=true', {
    schema: JSON.stringify(V2_INCOMPATIBLE),
  });
  assert.is((check.json as { is_compatible: boolean }).is_compatible, false);
  const ok = await call('POST', '/compatibility/subjects/users-value/versions/latest', {
    schema: JSON.stringify(V2_COMPATIBLE),
  });
  assert.equal(ok.json, { is_compatible: true });
});

test('NONE accepts any change; the subject level overrides the global one and can be removed', async () => {
  await register('users-value', V1);
  assert.equal((await call('PUT', '/config/users-value', { compatibility: 'NONE' })).json, { compatibility: 'NONE' });
  assert.equal((await call('GET', '/config/users-value')).json, { compatibilityLevel: 'NONE' });
  assert.equal((await register('users-value', V2_INCOMPATIBLE)).json, { id: 2 });
  // a removed field type change (string → int) too
  assert.equal((await register('users-value', { ...V1, fields: [{ name: 'id', type: 'int' }] })).json, { id: 3 });
  assert.equal((await call('DELETE', '/config/users-value')).json, { compatibilityLevel: 'NONE' });
  assert.equal((await call('GET', '/config/users-value?defaultToGlobal=true')).json, {
    compatibilityLevel: 'BACKWARD',
  });
  // global NONE applies to subjects without their own level
  assert.equal((await call('PUT', '/config', { compatibility: 'none' })).json, { compatibility: 'NONE' });
  await register('orders-value', V1);
  assert.equal((await register('orders-value', V2_INCOMPATIBLE)).status, 200);
});

test('FORWARD and the transitive levels check the other direction and every version', async () => {
  await call('PUT', '/config/f', { compatibility: 'FORWARD' });
  await register('f', V1);
  // FORWARD: the old schema must read data written with the new: adding a field is fine, removing one
  // without a default in the old schema is not
  assert.is((await register('f', V2_INCOMPATIBLE)).status, 200);
  assert.is((await register('f', { ...V1, fields: [{ name: 'plan', type: 'string' }] })).status, 409);
  await call('PUT', '/config/t', { compatibility: 'BACKWARD_TRANSITIVE' });
  await register('t', V1);
  await register('t', withField({ name: 'plan', type: 'string', default: 'free' }));
  // compatible with v2 (reads plan from it) but not with v1 (no plan there, and no default): refused
  const v3 = { ...V1, fields: [...V1.fields, { name: 'plan', type: 'string' }] };
  const r = await register('t', v3);
  assert.is(r.status, 409);
  assert.match((r.json as { message: string }).message, /version 1/);
});

test('DELETE /subjects/{subject} drops the subject; its schemas keep their ids', async () => {
  await register('users-value', V1);
  assert.equal((await call('DELETE', '/subjects/users-value')).json, [1]);
  assert.equal((await call('GET', '/subjects')).json, []);
  assert.equal((await call('GET', '/schemas/ids/1')).status, 200);
  assert.equal((await register('users-value', V1)).json, { id: 1 });
});

test('startBroker({ schemaRegistry }) serves it beside the broker and closes it with the broker', async () => {
  const broker = await startBroker({ schemaRegistry: true });
  try {
    const url = broker.schemaRegistry!.url;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/subjects`);
    assert.equal(await res.json(), []);
  } finally {
    await broker.close();
  }
  await assert.not.ok(
    await fetch(`${broker.schemaRegistry!.url}/subjects`).then(
      () => true,
      () => false,
    ),
  );
  const plain = await startBroker();
  assert.is(plain.schemaRegistry, undefined);
  await plain.close();
});

test.run();
