/**
 * startSchemaRegistry: a minimal Confluent Schema Registry on loopback, in memory, for the
 * avro-confluent format when no real registry is given. Clients such as
 * @kafkajs/confluent-schema-registry talk to it unchanged; docs/formats.md lists the API subset.
 *
 *   const registry = await startSchemaRegistry({ port: 0 });
 *   new SchemaRegistry({ host: registry.url });
 *   ...
 *   await registry.close();
 */
import { createServer, type Server } from 'node:http';
import { PipelabError } from '../../errors.ts';
import type { Level } from './compat.ts';
import { registryHandler } from './http.ts';
import { RegistryStore } from './store.ts';

export interface SchemaRegistryOptions {
  /** address to bind (default 127.0.0.1) */
  host?: string;
  /** port (default 0: a free port) */
  port?: number;
  /** host named in `url` (default: `host`), e.g. a connectable address when binding 0.0.0.0 */
  advertisedHost?: string;
  /** the global compatibility level at start (default BACKWARD, as Confluent's) */
  compatibility?: Level;
}

export interface SchemaRegistry {
  /** http://host:port, for a client's host option and --schema-registry */
  readonly url: string;
  readonly port: number;
  /** how many schemas and subjects it holds */
  stats(): { schemas: number; subjects: number };
  close(): Promise<void>;
}

export async function startSchemaRegistry(options: SchemaRegistryOptions = {}): Promise<SchemaRegistry> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new PipelabError('INVALID_ARGUMENT', `schema registry port ${port} is not a port number`, {
      hint: 'give 0 (a free port) or 1-65535',
    });
  const store = new RegistryStore();
  if (options.compatibility) store.globalLevel = options.compatibility;
  const server = createServer({ keepAlive: true }, registryHandler(store));
  await listen(server, host, port);
  const bound = (server.address() as { port: number }).port;
  const named = options.advertisedHost ?? host;
  const shown = named.includes(':') ? `[${named}]` : named;
  let closed = false;
  return {
    url: `http://${shown}:${bound}`,
    port: bound,
    stats: () => store.stats(),
    async close() {
      if (closed) return;
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        new PipelabError(
          'SERVICE_UNAVAILABLE',
          `schema registry could not listen on ${host}:${port} (${e.code ?? e.message})`,
          {
            cause: e,
            hint:
              e.code === 'EADDRINUSE' ? 'pick another --schema-registry-port, or 0 for a free one' : 'check the host',
          },
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
}

export type { Level as CompatibilityLevel } from './compat.ts';
