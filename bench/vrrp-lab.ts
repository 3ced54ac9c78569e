/**
 * A two-router VRRP lab of our own for the agent's integration tests and benchmarks: network
 * namespaces `hf-ag<pid><tag>-a|b` on a bridge `hfag<pid><tag>`, 198.18.250.1 and .2; for IPv6
 * the link-local fe80::1 and fe80::2 (set by hand, so tests know them; DAD and router
 * solicitations off, so they are usable at once and the bridge stays quiet) and 2001:2:0:250::1
 * and ::2 from the benchmarking prefix (RFC 5180). Runs the agent or a real keepalived in each,
 * watches VIP placement with `ip -n NS -j addr`, and tears down exactly what it created
 * (processes by pid, then links and namespaces by name).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Node = 'a' | 'b';
export type Speaker = 'agent' | 'keepalived';
export const ADDR: Record<Node, string> = { a: '198.18.250.1', b: '198.18.250.2' };
/** Each router's IPv6 link-local address: the source of its IPv6 adverts. */
export const LL6: Record<Node, string> = { a: 'fe80::1', b: 'fe80::2' };
/** Each router's global IPv6 address (for unicast peers). */
export const GA6: Record<Node, string> = { a: '2001:2:0:250::1', b: '2001:2:0:250::2' };
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface Proc {
  node: Node;
  kind: 'agent' | 'keepalived';
  child: ChildProcess;
  /** For keepalived: the VRRP child's pid (what kill -9 must hit), read from its pidfile. */
  vrrpPid?: number;
  log: string;
  statusFile?: string;
  exited: Promise<void>;
}

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export class VrrpLab {
  readonly dir: string;
  readonly procs: Proc[] = [];
  /** Never reused, so a file of an earlier run is never taken for this one's. */
  private seq = 0;
  private created: { ns: string[]; links: string[] } = { ns: [], links: [] };

  constructor(readonly tag: string) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `hfag-${process.pid}${tag}-`));
  }

  ns(n: Node): string {
    return `hf-ag${process.pid}${this.tag}-${n}`;
  }

  get bridge(): string {
    return `hfag${process.pid}${this.tag}`;
  }

  up(): void {
    sh('ip', ['link', 'add', this.bridge, 'type', 'bridge']);
    this.created.links.push(this.bridge);
    sh('ip', ['link', 'set', this.bridge, 'up']);
    for (const n of ['a', 'b'] as Node[]) {
      const ns = this.ns(n);
      sh('ip', ['netns', 'add', ns]);
      this.created.ns.push(ns);
      // Before eth0 exists, so it inherits them: no DAD, no solicitations, no automatic link-local.
      sh('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.default.accept_dad=0', 'net.ipv6.conf.default.router_solicitations=0',
        'net.ipv6.conf.default.addr_gen_mode=1', 'net.ipv6.conf.default.disable_ipv6=0']);
      const host = `v${process.pid}${this.tag}${n}`;
      sh('ip', ['link', 'add', host, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      this.created.links.push(host);
      sh('ip', ['link', 'set', host, 'master', this.bridge, 'up']);
      sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      sh('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
      sh('ip', ['-n', ns, 'addr', 'add', `${ADDR[n]}/24`, 'dev', 'eth0']);
      sh('ip', ['-n', ns, 'addr', 'add', `${LL6[n]}/64`, 'dev', 'eth0', 'nodad']);
      sh('ip', ['-n', ns, 'addr', 'add', `${GA6[n]}/64`, 'dev', 'eth0', 'nodad']);
    }
  }

  /** Take a router off the bridge (its eth0 stays up: a partition, not a link fault) and back. */
  unplug(n: Node): void {
    sh('ip', ['link', 'set', `v${process.pid}${this.tag}${n}`, 'nomaster']);
  }

  plug(n: Node): void {
    sh('ip', ['link', 'set', `v${process.pid}${this.tag}${n}`, 'master', this.bridge]);
  }

  write(name: string, text: string): string {
    const f = path.join(this.dir, name);
    fs.writeFileSync(f, text);
    return f;
  }

  private track(p: Omit<Proc, 'exited' | 'log'> & { logFile: string }): Proc {
    const out = fs.openSync(p.logFile, 'a');
    p.child.stdout?.on('data', (d: Buffer) => fs.writeSync(out, d));
    p.child.stderr?.on('data', (d: Buffer) => fs.writeSync(out, d));
    const proc: Proc = {
      ...p,
      log: p.logFile,
      exited: new Promise((r) => p.child.once('exit', () => r())),
    };
    this.procs.push(proc);
    return proc;
  }

  startAgent(n: Node, conf: string, extra: string[] = []): Proc {
    const i = this.seq++;
    const statusFile = path.join(this.dir, `agent-${n}-${i}.status.json`);
    // HAFLEET_AGENT_MAIN: a compiled main.js (what a director runs); else the sources through tsx.
    const main = process.env.HAFLEET_AGENT_MAIN ? [process.env.HAFLEET_AGENT_MAIN] : ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')];
    const child = spawn('ip', ['netns', 'exec', this.ns(n), process.execPath, ...main, 'agent', '-f', conf, '--status-file', statusFile, ...extra], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return this.track({ node: n, kind: 'agent', child, statusFile, logFile: path.join(this.dir, `agent-${n}-${i}.log`) });
  }

  /** The agent or a real keepalived on `n`. */
  start(who: Speaker, n: Node, conf: string): Proc {
    return who === 'agent' ? this.startAgent(n, conf) : this.startKeepalived(n, conf);
  }

  /** For waitFor: `n` and nobody else holds `vip`. */
  holdsAlone(n: Node, vip: string): () => boolean {
    return () => {
      const h = this.holders(vip);
      return h.length === 1 && h[0] === n;
    };
  }

  startKeepalived(n: Node, conf: string): Proc {
    const i = this.seq++;
    const pid = path.join(this.dir, `ka-${n}-${i}.pid`);
    const vrrpPid = path.join(this.dir, `ka-${n}-${i}-vrrp.pid`);
    const child = spawn('ip', ['netns', 'exec', this.ns(n), '/usr/sbin/keepalived', '-n', '-l', '-D', '--vrrp', '-f', conf, '-p', pid, '-r', vrrpPid], { stdio: ['ignore', 'pipe', 'pipe'] });
    const p = this.track({ node: n, kind: 'keepalived', child, logFile: path.join(this.dir, `ka-${n}-${i}.log`) });
    const read = () => {
      try {
        p.vrrpPid = Number(fs.readFileSync(vrrpPid, 'utf8').trim()) || undefined;
      } catch {
        /* not written yet */
      }
      if (!p.vrrpPid && p.child.exitCode === null) setTimeout(read, 20);
    };
    read();
    return p;
  }

  /** Wait until the process is ready: the agent wrote its status, keepalived its VRRP pidfile. */
  async ready(p: Proc, timeoutMs = 20_000): Promise<void> {
    const ok = () => (p.kind === 'agent' ? fs.existsSync(p.statusFile!) : p.vrrpPid !== undefined);
    await waitFor(ok, timeoutMs, 20, `${p.kind} on ${p.node} ready`);
  }

  /** kill -9 the VRRP speaker (keepalived: its VRRP child and parent together, so nothing respawns or says goodbye). */
  kill9(p: Proc): void {
    const pids = p.kind === 'keepalived' ? [p.vrrpPid!, p.child.pid!] : [p.child.pid!];
    // `ip netns exec` execs the program, so the child pid is the speaker itself.
    sh('kill', ['-9', ...pids.map(String)]);
  }

  term(p: Proc): void {
    p.child.kill('SIGTERM');
  }

  /** Addresses on the router's eth0 besides its own (IPv4 first, as `ip` lists them). */
  vipsOn(n: Node): string[] {
    const j = JSON.parse(sh('ip', ['-n', this.ns(n), '-j', 'addr', 'show', 'dev', 'eth0'])) as { addr_info: { family: string; local: string; label?: string }[] }[];
    const own = new Set([ADDR[n], LL6[n], GA6[n]]);
    return (j[0]?.addr_info ?? []).filter((a) => (a.family === 'inet' || a.family === 'inet6') && !own.has(a.local)).map((a) => a.local);
  }

  /** The MAC address of a router's eth0. */
  mac(n: Node): string {
    return (JSON.parse(sh('ip', ['-n', this.ns(n), '-j', 'link', 'show', 'dev', 'eth0'])) as { address: string }[])[0]!.address;
  }

  /** Run a command inside a router's namespace. */
  exec(n: Node, cmd: string, args: string[]): string {
    return sh('ip', ['netns', 'exec', this.ns(n), cmd, ...args]);
  }

  holders(vip: string): Node[] {
    return (['a', 'b'] as Node[]).filter((n) => this.vipsOn(n).includes(vip));
  }

  status(p: Proc): { instances: { name: string; state: string; master: string | null; priority: number; faults: string[]; counters: { drops: Record<string, number> } }[] } {
    return JSON.parse(fs.readFileSync(p.statusFile!, 'utf8'));
  }

  delVip(n: Node, vip: string, prefix = 24): void {
    try {
      sh('ip', ['-n', this.ns(n), 'addr', 'del', `${vip}/${prefix}`, 'dev', 'eth0']);
    } catch {
      /* not there */
    }
  }

  async stopAll(): Promise<void> {
    for (const p of this.procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    await Promise.race([Promise.all(this.procs.map((p) => p.exited)), sleep(5000)]);
    for (const p of this.procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    this.procs.length = 0;
  }

  async down(): Promise<void> {
    await this.stopAll();
    for (const l of this.created.links) {
      try {
        sh('ip', ['link', 'del', l]);
      } catch {
        /* gone with its namespace */
      }
    }
    for (const ns of this.created.ns) {
      try {
        sh('ip', ['netns', 'del', ns]);
      } catch {
        /* already gone */
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Poll `pred` every `pollMs` until true; resolves with the ms it took. */
export async function waitFor(pred: () => boolean, timeoutMs: number, pollMs = 10, what = 'condition'): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (pred()) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}

/** A keepalived.conf both speakers run (the agent reads keepalived's own format). */
export function vrrpConf(o: { name?: string; vrid: number; priority: number; version: 2 | 3; advertInt: number; authPass?: string; nopreempt?: boolean; vip: string; state?: 'MASTER' | 'BACKUP'; unicast?: { src: string; peer: string } }): string {
  // IPv6: a /64 on the link, no label (labels are IPv4 only).
  const vipLine = o.vip.includes(':') ? `${o.vip}/64 dev eth0` : `${o.vip}/24 dev eth0 label eth0:vip`;
  return [
    'global_defs {',
    `    router_id hfag_${o.priority}`,
    '}',
    `vrrp_instance ${o.name ?? 'VI_1'} {`,
    `    state ${o.state ?? 'BACKUP'}`,
    '    interface eth0',
    `    virtual_router_id ${o.vrid}`,
    `    version ${o.version}`,
    `    priority ${o.priority}`,
    `    advert_int ${o.advertInt}`,
    ...(o.nopreempt ? ['    nopreempt'] : []),
    ...(o.authPass ? ['    authentication {', '        auth_type PASS', `        auth_pass ${o.authPass}`, '    }'] : []),
    ...(o.unicast ? [`    unicast_src_ip ${o.unicast.src}`, '    unicast_peer {', `        ${o.unicast.peer}`, '    }'] : []),
    '    virtual_ipaddress {',
    `        ${vipLine}`,
    '    }',
    '    garp_master_delay 1',
    '}',
    '',
  ].join('\n');
}
