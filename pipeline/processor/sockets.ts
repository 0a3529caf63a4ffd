/**
 * The processor's connections, all made here (kafkajs `socketFactory`), so a crash (kill()) can
 * cut every one at once as a dying process would: after cut(), new connections fail at once and
 * the clients cannot reach the broker again. The chunk in progress stops before its offsets
 * resolve (results already written come back as duplicates), nothing more is committed, open
 * windows are lost, and no LeaveGroup is sent: the group finds out when the session times out.
 */
import { Socket, connect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ISocketFactory } from 'kafkajs';

export class CrashableSockets {
  private readonly open = new Set<Socket>();
  private dead = false;

  constructor(private readonly name: string) {}

  readonly factory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
    if (this.dead) {
      const s = new Socket();
      process.nextTick(() => s.destroy(new Error(`${this.name} has crashed`)));
      return s;
    }
    const socket = ssl
      ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
      : connect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
    return socket;
  };

  /** every connection destroyed, and no new one will connect */
  cut(): void {
    this.dead = true;
    // with an error: kafkajs listens for 'error' and 'end', not 'close', and a socket destroyed
    // silently left its requests pending and their queues polling forever (the process never exited)
    for (const s of this.open) s.destroy(new Error(`${this.name} has crashed`));
    this.open.clear();
  }
}
