/**
 * The embedded schema registry's HTTP API: the subset of Confluent Schema Registry's REST API a
 * producer or consumer needs (register, look up, fetch by id, list, versions, compatibility
 * config and checks), with its JSON error bodies ({ error_code, message }) and content type.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RegistryError, type RegistryStore } from './store.ts';

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const MAX_BODY_BYTES = 8 * 1024 * 1024;

type Handler = (m: { params: string[]; body: unknown; query: URLSearchParams }) => unknown;
interface Route {
  method: string;
  pattern: RegExp;
  handle: Handler;
}

/** the routes, each a method and a path pattern whose groups are URL-decoded parameters */
function routes(store: RegistryStore): Route[] {
  const r = (method: string, path: string, handle: Handler): Route => ({
    method,
    pattern: new RegExp(`^${path.replace(/\{\w+\}/g, '([^/]+)')}/?$`),
    handle,
  });
  const body = (b: unknown) => (b ?? {}) as Record<string, unknown>;
  const id = (s: string) => {
    if (!/^\d+$/.test(s)) throw new RegistryError(404, 40403, `Schema ${s} not found`);
    return Number(s);
  };
  return [
    r('GET', '/', () => ({})),
    r('GET', '/schemas/types', () => ['AVRO']),
    r('GET', '/schemas/ids/{id}', ({ params }) => store.schemaById(id(params[0]!))),
    r('GET', '/schemas/ids/{id}/schema', ({ params }) => JSON.parse(store.schemaById(id(params[0]!)).schema)),
    r('GET', '/subjects', () => store.subjectList()),
    r('GET', '/subjects/{subject}/versions', ({ params }) => store.versionNumbers(params[0]!)),
    r('POST', '/subjects/{subject}/versions', ({ params, body: b }) => store.register(params[0]!, body(b))),
    r('GET', '/subjects/{subject}/versions/{version}', ({ params }) => store.version(params[0]!, params[1]!)),
    r('GET', '/subjects/{subject}/versions/{version}/schema', ({ params }) =>
      JSON.parse(store.version(params[0]!, params[1]!).schema),
    ),
    r('POST', '/subjects/{subject}', ({ params, body: b }) => store.lookup(params[0]!, body(b))),
    r('DELETE', '/subjects/{subject}', ({ params }) => store.deleteSubject(params[0]!)),
    r('POST', '/compatibility/subjects/{subject}/versions/{version}', ({ params, body: b, query }) => {
      const c = store.compatible(params[0]!, params[1]!, body(b));
      return query.get('verbose') === 'true' ? c : { is_compatible: c.is_compatible };
    }),
    r('GET', '/config', () => ({ compatibilityLevel: store.globalLevel })),
    r('PUT', '/config', ({ body: b }) => store.setConfig(undefined, body(b))),
    r('GET', '/config/{subject}', ({ params, query }) =>
      store.subjectConfig(params[0]!, query.get('defaultToGlobal') === 'true'),
    ),
    r('PUT', '/config/{subject}', ({ params, body: b }) => store.setConfig(params[0]!, body(b))),
    r('DELETE', '/config/{subject}', ({ params }) => store.deleteSubjectConfig(params[0]!)),
  ];
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, errorCode: number, message: string): void {
  send(res, status, { error_code: errorCode, message });
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new RegistryError(413, 413, `request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch (e) {
        reject(new RegistryError(400, 400, `Unrecognized request body: ${(e as Error).message}`));
      }
    });
    req.on('error', reject);
  });
}

/** a node:http request listener serving the API from `store` */
export function registryHandler(store: RegistryStore): (req: IncomingMessage, res: ServerResponse) => void {
  const table = routes(store);
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://registry');
    const path = url.pathname.replace(/\/{2,}/g, '/');
    const matches = table
      .map((r) => ({ r, m: r.pattern.exec(path) }))
      .filter((x): x is { r: Route; m: RegExpExecArray } => x.m !== null);
    if (matches.length === 0) return sendError(res, 404, 404, 'HTTP 404 Not Found');
    const hit = matches.find((x) => x.r.method === req.method);
    if (!hit) return sendError(res, 405, 405, 'HTTP 405 Method Not Allowed');
    readBody(req)
      .then((body) => {
        let params: string[];
        try {
          params = hit.m.slice(1).map((p) => decodeURIComponent(p));
        } catch {
          throw new RegistryError(404, 404, 'HTTP 404 Not Found');
        }
        send(res, 200, hit.r.handle({ params, body, query: url.searchParams }));
      })
      .catch((e: unknown) => {
        if (e instanceof RegistryError) sendError(res, e.status, e.errorCode, e.message);
        else sendError(res, 500, 50001, `Error in the backend data store: ${(e as Error).message}`);
      });
  };
}
