import type { Client, SFTPWrapper } from 'ssh2';
import { ChannelSlots } from './channel-slots.js';
import { connect, type ConnectSettings } from './connect.js';
import type { ConnectTarget } from './target.js';
import type { Outcome } from './types.js';

/** One open connection and what rides on it. */
export interface PooledConnection {
  client: Client;
  slots: ChannelSlots;
  sftp?: Promise<Outcome<SFTPWrapper>>;
  /** Set when the connection is gone: an SFTP error then means the host dropped away. */
  closed: boolean;
}

function hopKey(hops: readonly ConnectTarget[]): string {
  return hops.map((h) => `${h.user}@${h.address}:${h.port}`).join(' via ');
}

/**
 * One connection per hop chain, opened lazily; concurrent opens share one promise. A failed or
 * closed connection leaves the pool, so the next use dials again (a host back from a restart).
 */
export class ConnectionPool {
  private readonly conns = new Map<string, Promise<Outcome<PooledConnection>>>();

  constructor(private readonly settings: ConnectSettings) {}

  /** `hops`: jump hosts first, the host last (see resolveHops). */
  get(hops: readonly ConnectTarget[]): Promise<Outcome<PooledConnection>> {
    const key = hopKey(hops);
    const existing = this.conns.get(key);
    if (existing) return existing;
    const p = this.open(hops).then((o) => {
      if (!o.ok) {
        if (this.conns.get(key) === p) this.conns.delete(key);
        return o;
      }
      o.value.client.once('close', () => {
        o.value.closed = true;
        if (this.conns.get(key) === p) this.conns.delete(key);
      });
      // Errors after 'ready' end in 'close'; without a listener ssh2 would throw them.
      o.value.client.on('error', () => undefined);
      return o;
    });
    this.conns.set(key, p);
    return p;
  }

  private async open(hops: readonly ConnectTarget[]): Promise<Outcome<PooledConnection>> {
    const last = hops[hops.length - 1]!;
    if (hops.length === 1) {
      const c = await connect(last, this.settings);
      return c.ok ? { ok: true, value: { client: c.value, slots: new ChannelSlots(), closed: false } } : c;
    }
    const jump = await this.get(hops.slice(0, -1));
    if (!jump.ok) return jump;
    // A forward (direct-tcpip) is not a session: sshd's MaxSessions, which the slots respect,
    // does not count it. Holding a slot for the forward's lifetime (as this did) let only 8
    // hosts behind one bastion connect; the 9th waited for a slot no one would give back.
    const sock = await new Promise<Outcome<import('node:stream').Duplex>>((resolve) => {
      jump.value.client.forwardOut('127.0.0.1', 0, last.address, last.port, (err, stream) => {
        if (err) return resolve({ ok: false, failure: { kind: 'unreachable', host: last.host, message: `host ${last.host}: the jump host could not reach ${last.address}:${last.port} (${err.message})` } });
        resolve({ ok: true, value: stream });
      });
    });
    if (!sock.ok) return sock;
    const c = await connect(last, this.settings, sock.value);
    return c.ok ? { ok: true, value: { client: c.value, slots: new ChannelSlots(), closed: false } } : c;
  }

  async closeAll(): Promise<void> {
    const all = [...this.conns.values()];
    this.conns.clear();
    await Promise.all(
      all.map(async (p) => {
        // A connection still being made (a slow or silent host) must not hold the close up to its
        // connect timeout: wait 2 s for it, and end it whenever it does come.
        const late = Symbol('late');
        const o = await Promise.race([p, new Promise<typeof late>((r) => setTimeout(() => r(late), 2000).unref())]);
        if (o === late) {
          void p.then((x) => { if (x.ok) x.value.client.end(); });
          return;
        }
        if (!o.ok) return;
        const closed = new Promise<void>((r) => o.value.client.once('close', () => r()));
        o.value.client.end();
        await Promise.race([closed, new Promise<void>((r) => setTimeout(r, 2000).unref())]);
      }),
    );
  }
}
