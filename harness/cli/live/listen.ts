/**
 * Listening for the run's live endpoints (--dashboard, --metrics-port): a port already taken or an
 * address that cannot be bound is a PipelabError naming the flag (exit 104, nothing has run yet).
 */
import type { Server } from 'node:http';
import { PipelabError } from '../../../errors.ts';

/** listens and returns the URL it answers on (the port actually bound when 0 was asked) */
export function listenOn(server: Server, port: number, host: string, flag: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      const taken = e.code === 'EADDRINUSE';
      reject(
        new PipelabError('INVALID_ARGUMENT', `${flag} ${port}: cannot listen on ${host}:${port}: ${e.message}`, {
          hint: taken ? `the port is taken: pick another ${flag}, or 0 for a free one` : `check ${flag} and its host`,
          cause: e,
        }),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const addr = server.address();
      const bound = typeof addr === 'object' && addr ? addr.port : port;
      const h = host.includes(':') ? `[${host}]` : host;
      resolve(`http://${h}:${bound}`);
    });
  });
}

/** closes the server and every open connection (SSE streams, keep-alive sockets) at once */
export function closeNow(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** a port flag's value: an integer 0..65535 (0: any free port) */
export function parsePort(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n > 65535)
    throw new PipelabError('INVALID_ARGUMENT', `${flag} ${raw} is not a port`, {
      hint: `give ${flag} an integer from 0 to 65535 (0: any free port), e.g. ${flag} ${fallback || 9464}`,
    });
  return n;
}
