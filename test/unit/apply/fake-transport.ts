import type { ExecOptions, HostRef, Outcome, ExecOutput, Transport } from '../../../src/transport/types.js';
import type { Clock } from '../../../src/async/index.js';

/** What the fake host does when the deploy script reaches it. */
export type Behaviour = 'ok' | 'invalid' | 'handler-fails' | 'unreachable' | 'locked';

/** A fake Transport: scripted hosts, VIP placement it can move, and a log of what ran when. */
export class FakeFleet implements Transport {
  readonly log: { host: string; cmd: string; at: number; end: number }[] = [];
  readonly behaviour = new Map<string, Behaviour>();
  /** host → addresses it holds (for `ip -j addr show`). */
  readonly addrs = new Map<string, string[]>();
  inFlight = 0;
  maxInFlight = 0;
  /** Called after a deploy script ran on a host: lets a test move the VIP like keepalived would. */
  afterDeploy: (host: string) => void = () => undefined;
  scripts = new Map<string, string>();

  constructor(readonly clock: FakeClock) {}

  async exec(host: HostRef, cmd: string, o: ExecOptions = {}): Promise<Outcome<ExecOutput>> {
    const at = this.clock.now();
    if (cmd === 'ip -j addr show' && this.behaviour.get(host.name) === 'unreachable') return { ok: false, failure: { kind: 'unreachable', host: host.name, message: 'connection lost' } };
    if (cmd === 'ip -j addr show') {
      // The shape iproute2 prints (lo, then eth0 with its addresses), so the real parser reads it.
      const links = [
        { ifindex: 1, ifname: 'lo', address: '00:00:00:00:00:00', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host', label: 'lo' }] },
        { ifindex: 2, ifname: 'eth0', address: '02:00:00:00:00:02', addr_info: (this.addrs.get(host.name) ?? []).map((a) => ({ family: a.includes(':') ? 'inet6' : 'inet', local: a, prefixlen: 24, scope: 'global', label: 'eth0' })) },
      ];
      return { ok: true, value: { code: 0, stdout: JSON.stringify(links) + '\n', stderr: '' } };
    }
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.scripts.set(host.name, String(o.stdin ?? ''));
    await this.clock.sleep(100);
    this.inFlight--;
    this.log.push({ host: host.name, cmd, at, end: this.clock.now() });
    const b = this.behaviour.get(host.name) ?? 'ok';
    const out = (stdout: string, code: number): Outcome<ExecOutput> => ({ ok: true, value: { code, stdout, stderr: '' } });
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    switch (b) {
      case 'unreachable':
        return { ok: false, failure: { kind: 'unreachable', host: host.name, message: 'connection lost' } };
      case 'locked':
        return out('@@hafleet locked 3600 no by=alice@ctl pid=4242 at=2026-11-25T10:00:00Z deploy=x\n', 75);
      case 'invalid':
        return out(`@@hafleet step validate\n@@hafleet invalid /etc/keepalived/keepalived.conf ${b64('(/tmp/hafleet-validate.abc/check/etc/keepalived/keepalived.conf: Line 4) number 510 outside range')}\n@@hafleet fail validate ${b64('rejected')}\n`, 10);
      case 'handler-fails':
        return out(`@@hafleet step handlers\n@@hafleet fail handler ${b64('reload keepalived: boom')}\n@@hafleet rolled-back\n`, 12);
      case 'ok':
        this.afterDeploy(host.name);
        return out('@@hafleet step install\n@@hafleet done\n', 0);
    }
  }
  async put(): Promise<Outcome<void>> {
    return { ok: true, value: undefined };
  }
  async get(): Promise<Outcome<Buffer | null>> {
    return { ok: true, value: null };
  }
  async close(): Promise<void> {}
}

/** Time that moves only when someone sleeps: concurrent sleepers overlap like real ones. */
export class FakeClock implements Clock {
  private t = 0;
  private timers: { at: number; resolve: () => void }[] = [];
  now(): number {
    return this.t;
  }
  /** Like the system clock's: an abort ends the sleep at once (the timer goes), as a rejection. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
      const timer = { at: this.t + ms, resolve: () => (signal?.removeEventListener('abort', onAbort), resolve()) };
      const onAbort = () => {
        this.timers = this.timers.filter((x) => x !== timer);
        // One advance is queued per timer: the one queued for this timer has none left to move.
        this.skips++;
        reject(signal?.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
      // Let every runnable task queue its own timer first, then advance to the earliest.
      setImmediate(() => this.advance());
    });
  }
  private skips = 0;
  private advance(): void {
    if (this.skips > 0) return void this.skips--;
    if (this.timers.length === 0) return;
    this.timers.sort((a, b) => a.at - b.at);
    const next = this.timers.shift()!;
    this.t = Math.max(this.t, next.at);
    next.resolve();
  }
}

export function ref(name: string): HostRef {
  return { name, address: '198.18.0.1', port: 22, user: 'root', become: false, becomeUser: 'root' };
}
