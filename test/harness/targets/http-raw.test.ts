/**
 * The raw HTTP/1.1 engine against servers that answer in every framing HTTP allows: Content-Length,
 * chunked (with trailers), close-delimited, HEAD, 204, 1xx before the response, `connection: close`,
 * responses split byte by byte, pipelined requests, and the failures: timeout, refused, reset, abort.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net, { type AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import { encodeRequest, RawPool } from '../../../harness/targets/http-raw.ts';

interface Result {
  status: number;
  error: string | undefined;
  blockedMs: number;
}

/** a TCP server that answers each request (one per `\r\n\r\n`) with `reply(n)`, the nth request's bytes */
async function scripted(
  reply: (n: number, sock: net.Socket) => string | undefined,
): Promise<{ url: URL; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const socks = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    socks.add(sock);
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        requests.push(buf.slice(0, end));
        buf = buf.slice(end + 4);
        const out = reply(requests.length - 1, sock);
        if (out !== undefined) sock.write(out);
      }
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/p?q=1`);
  return {
    url,
    requests,
    close: async () => {
      for (const s of socks) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

function pool(url: URL, over: Partial<ConstructorParameters<typeof RawPool>[0]> = {}): RawPool {
  return new RawPool({
    url,
    method: 'GET',
    headers: {},
    body: undefined,
    connections: 1,
    pipelining: 1,
    timeoutMs: 5000,
    now: () => performance.now(),
    ...over,
  });
}

const send = (p: RawPool): Promise<Result> =>
  new Promise((resolve) => p.send((status, error, blockedMs) => resolve({ status, error, blockedMs })));
/** status and error only (a first request also waits for its connection to open) */
const outcome = async (p: RawPool) => {
  const { status, error } = await send(p);
  return { status, error };
};

const ok = (body: string, extra = '') =>
  `HTTP/1.1 200 OK\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

test('the request is encoded once: request line, host, given headers, content-length for a body', () => {
  const r = encodeRequest({
    url: new URL('http://h:81/a?b=1'),
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"x":"é"}',
  }).toString();
  assert.is(
    r,
    'POST /a?b=1 HTTP/1.1\r\nhost: h:81\r\ncontent-type: application/json\r\ncontent-length: 10\r\n\r\n{"x":"é"}',
  );
  const own = encodeRequest({ url: new URL('http://h/'), method: 'GET', headers: { Host: 'other' } }).toString();
  assert.is(own, 'GET / HTTP/1.1\r\nHost: other\r\n\r\n');
});

test('keep-alive: Content-Length bodies, many requests on one connection, status of each', async () => {
  const s = await scripted((n) => (n % 2 ? 'HTTP/1.1 503 No\r\ncontent-length: 3\r\n\r\nnop' : ok('hello')));
  const p = pool(s.url);
  const got: number[] = [];
  for (let i = 0; i < 6; i++) got.push((await send(p)).status);
  assert.equal(got, [200, 503, 200, 503, 200, 503]);
  assert.is(s.requests.length, 6);
  assert.ok(s.requests[0]!.startsWith('GET /p?q=1 HTTP/1.1\r\nhost: 127.0.0.1:'));
  await p.close();
  await s.close();
});

test('chunked bodies with extensions and trailers, and responses split one byte at a time', async () => {
  const chunked =
    'HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n' +
    '5;ext=1\r\nhello\r\n0a\r\n0123456789\r\n0\r\nx-t: 1\r\n\r\n';
  const s = await scripted((_n, sock) => {
    const bytes = Buffer.from(chunked);
    for (let i = 0; i < bytes.length; i++) sock.write(bytes.subarray(i, i + 1));
    return undefined;
  });
  const p = pool(s.url);
  assert.equal(await outcome(p), { status: 201, error: undefined });
  assert.equal(await outcome(p), { status: 201, error: undefined });
  await p.close();
  await s.close();
});

test('a head split across reads is not completed from bytes an earlier read left in the read buffer', async () => {
  const later = 'HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\n\r\nno';
  const s = await scripted((n, sock) => {
    if (n === 0) return ok('hello', 'x-pad: 0123456789\r\n');
    sock.write(later.slice(0, 10));
    setTimeout(() => sock.write(later.slice(10)), 30);
    return undefined;
  });
  const p = pool(s.url);
  assert.equal(await outcome(p), { status: 200, error: undefined });
  assert.equal(await outcome(p), { status: 404, error: undefined });
  await p.close();
  await s.close();
});

test('HEAD, 204 and 304 have no body; 1xx responses are skipped', async () => {
  const s = await scripted(
    (n) =>
      [
        'HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n',
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n',
        'HTTP/1.1 304 Not Modified\r\ncontent-length: 7\r\n\r\n',
      ][n % 3],
  );
  const head = pool(s.url, { method: 'HEAD' });
  assert.is((await send(head)).status, 200);
  await head.close();
  const p = pool(s.url);
  assert.is((await send(p)).status, 204);
  assert.is((await send(p)).status, 304);
  await p.close();
  await s.close();
});

test('a close-delimited body ends at close, and connection: close opens a new connection', async () => {
  const conns = new Set<net.Socket>();
  const s = await scripted((n, sock) => {
    conns.add(sock);
    if (n === 0) {
      sock.end('HTTP/1.0 200 OK\r\n\r\nuntil close');
      return undefined;
    }
    return ok('x', 'connection: close\r\n');
  });
  const p = pool(s.url);
  assert.equal(await outcome(p), { status: 200, error: undefined });
  assert.is((await send(p)).status, 200);
  assert.is((await send(p)).status, 200);
  assert.is(conns.size, 3);
  await p.close();
  await s.close();
});

test('pipelining: several requests in flight on one connection, answered in order', async () => {
  const s = await scripted((n) => ok(String(n)));
  const p = pool(s.url, { pipelining: 4 });
  const all = await Promise.all(Array.from({ length: 10 }, () => send(p)));
  assert.ok(all.every((r) => r.status === 200 && r.error === undefined));
  assert.is(s.requests.length, 10);
  await p.close();
  await s.close();
});

test('with every connection busy a request waits, and its wait is reported apart', async () => {
  const held: net.Socket[] = [];
  const s = await scripted((_n, sock) => {
    held.push(sock);
    return undefined;
  });
  const p = pool(s.url);
  const first = send(p);
  const second = send(p);
  while (held.length < 1) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 30));
  held[0]!.write(ok('a'));
  assert.is((await first).status, 200);
  while (held.length < 2) await new Promise((r) => setTimeout(r, 5));
  held[1]!.write(ok('b'));
  const r2 = await second;
  assert.is(r2.status, 200);
  assert.ok(r2.blockedMs >= 25, `blocked ${r2.blockedMs} ms`);
  await p.close();
  await s.close();
});

test('failures: a timeout, a refused connection, a reset mid-response, an abort', async () => {
  const silent = await scripted(() => undefined);
  const slow = pool(silent.url, { timeoutMs: 100 });
  assert.is((await send(slow)).error, 'ETIMEDOUT');
  slow.destroy();

  const refused = pool(new URL('http://127.0.0.1:1/'));
  assert.equal(await outcome(refused), { status: 0, error: 'ECONNREFUSED' });
  assert.equal(await outcome(refused), { status: 0, error: 'ECONNREFUSED' });
  refused.destroy();

  const reset = await scripted((_n, sock) => {
    sock.write('HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\npartial');
    setTimeout(() => sock.destroy(), 10);
    return undefined;
  });
  const r = pool(reset.url);
  assert.is((await send(r)).error, 'ECONNRESET');
  await r.close();

  const a = pool(silent.url);
  const pending = [send(a), send(a)];
  await new Promise((res) => setTimeout(res, 20));
  a.destroy();
  assert.equal(
    (await Promise.all(pending)).map((x) => x.error),
    ['ABORTED', 'ABORTED'],
  );
  assert.is((await send(a)).error, 'CLOSED');
  await silent.close();
  await reset.close();
});

test('garbage from the server fails the request instead of hanging', async () => {
  const s = await scripted(() => 'SSH-2.0-OpenSSH\r\n\r\n');
  const p = pool(s.url);
  assert.is((await send(p)).error, 'INVALID_RESPONSE');
  p.destroy();
  await s.close();
});

test('against node:http: bodies of every size, keep-alive across 2,000 requests on 4 connections', async () => {
  const server = createServer((req, res) => {
    const n = Number(req.url?.slice(1)) || 0;
    res.end('x'.repeat(n));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  let sockets = 0;
  server.on('connection', () => sockets++);
  for (const size of [0, 1, 70_000]) {
    const p = pool(new URL(`http://127.0.0.1:${port}/${size}`), { connections: 4 });
    const all = await Promise.all(Array.from({ length: size > 1000 ? 50 : 2000 }, () => send(p)));
    assert.ok(
      all.every((r) => r.status === 200),
      `size ${size}`,
    );
    await p.close();
  }
  assert.is(sockets, 12);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

test.run();
