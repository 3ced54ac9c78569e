/**
 * Integration tests' handle on a real lab (`hafleet lab`): start one with a name unique to the
 * test process, drive it from its admin namespace, and always tear it down.
 *
 *   await withLab({ directors: 2, realservers: 2 }, async (lab) => {
 *     const r = await lab.hafleet(['deploy', '-i', lab.inventoryPath, '--yes']);
 *     assert.equal(await lab.vipHolder(), 'lb1');
 *   });
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  labCommand, labDown, labsRootIn, labStatus, labUp, run,
  type LabEngine, type LabState, type LabStatus, type RunResult,
} from '../../../src/lab/index.js';
import { waitFor } from './wait.js';

export type { RunResult, LabStatus };

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI_MAIN = join(REPO_ROOT, 'src', 'cli', 'main.ts');
/**
 * Where this run's labs live ($HAFLEET_LAB_ROOT as the CLI reads it, else the default). The
 * support is the tests' edge: it reads the environment and hands src/lab plain values.
 */
export const LABS_ROOT = labsRootIn(process.env);

export interface LabOptions {
  directors?: number;
  realservers?: number;
  engine?: LabEngine;
  /** The inventory's ansible_user: root (default) or `hafleet`, the lab's non-root user, with become. */
  user?: string;
  /** IPv6 on in every namespace, with 2001:2:0:<index hex>::/64 addresses (`lab up --ipv6`). */
  ipv6?: boolean;
}

export interface ExecOptions {
  input?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface TestLab {
  name: string;
  /** `…/inventory/hosts.yml`: pass to `-i`. */
  inventoryPath: string;
  privateKey: string;
  knownHosts: string;
  /** The first VIP (`.100` of the lab's /24) and all of them. */
  vip: string;
  vips: string[];
  /** With `ipv6`: the first IPv6 VIP (`::100` of the lab's /64) and all of them; undefined without. */
  vip6?: string;
  vips6?: string[];
  hosts: { name: string; role: 'director' | 'realserver'; address: string }[];
  state: LabState;
  /** Runs `cmd args` in the admin namespace (no default route): curl, ssh, the hafleet CLI. */
  adminExec(cmd: string, args?: readonly string[], o?: ExecOptions): Promise<RunResult>;
  /** Runs on a lab host, in its net + mount namespaces: a string goes through `sh -c`. */
  hostExec(host: string, cmd: string | readonly string[], o?: ExecOptions): Promise<RunResult>;
  /** `hafleet ARGS` (this checkout, through tsx) run in the admin namespace. */
  hafleet(args: readonly string[], o?: ExecOptions): Promise<RunResult>;
  /** `hafleet ARGS` with `--json` among them: the result and its parsed document (null when stdout is not JSON). */
  hafleetJson(args: readonly string[], o?: ExecOptions): Promise<RunResult & { doc: any }>;
  /** ssh root@host from the admin namespace with the lab key and strict host-key checking. */
  ssh(host: string, command: string, o?: ExecOptions): Promise<RunResult>;
  /** The director holding `vip` (default the first), null if none; throws on split brain. */
  vipHolder(vip?: string): Promise<string | null>;
  /** Every director holding `vip` now. */
  vipHolders(vip?: string): Promise<string[]>;
  /**
   * Polls until exactly `expected` holds `vip` (any single director when `expected` is omitted;
   * nobody when it is null) and returns the holder; fails after `timeoutMs` (default 15 s).
   */
  waitForVipHolder(expected?: string | null, o?: { vip?: string; timeoutMs?: number }): Promise<string | null>;
  /** What `hafleet lab status --json` prints: hosts, their processes by name, VIP holders. */
  status(): Promise<LabStatus>;
  /**
   * The host's folder under the lab root, seen from outside: `etc-keepalived`, `etc-nginx`,
   * `run`, `var-log`, `tmp`, … are its /etc/keepalived, /etc/nginx, /run, /var/log, /tmp.
   */
  hostDir(host: string): string;
  down(): Promise<void>;
}

let counter = 0;
const live = new Set<string>();

/**
 * `t<pid % 1000><counter>`: unique per test process, ≤ 8 characters. Each lab records this
 * process as its owner: if the process is killed before its exit hook runs, the lab is left,
 * and `hafleet lab down --orphans` removes it (and every other lab whose owner has ended).
 */
export function uniqueLabName(): string {
  return `t${process.pid % 1000}${counter++}`;
}

// A test process that ends without calling down (a crash, a timeout) still removes its labs.
process.once('exit', () => {
  if (live.size === 0) return;
  spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test', 'integration', 'support', 'lab-down.ts'), ...live], { cwd: REPO_ROOT, stdio: 'ignore' });
});

/**
 * Starts a lab named `name`, or, when no name is given, the next unique one (skipping a name a
 * live lab of another test process already uses: pids can share their last three digits).
 */
export async function startLab(name?: string, opts: LabOptions = {}): Promise<TestLab> {
  for (let attempt = 0; ; attempt++) {
    const candidate = name ?? uniqueLabName();
    live.add(candidate);
    const r = await labUp({ name: candidate, directors: opts.directors ?? 2, realservers: opts.realservers ?? 2, engine: opts.engine, user: opts.user, ipv6: opts.ipv6, ownerPid: process.pid,
      labsRoot: LABS_ROOT, ...(process.env.PATH !== undefined ? { path: process.env.PATH } : {}) });
    if (r.ok) return handle(candidate, r.value);
    live.delete(candidate);
    const taken = r.diagnostics.some((d) => d.code === 'lab-exists' || d.code === 'lab-busy');
    if (name !== undefined || !taken || attempt >= 5) {
      throw new Error(`lab up ${candidate} failed: ${r.diagnostics.map((d) => d.message + (d.hint ? ` (${d.hint})` : '')).join('; ')}`);
    }
  }
}

function handle(name: string, s: LabState): TestLab {
  const inNs = (host: string | undefined, argv: readonly string[], o: ExecOptions = {}) => {
    const c = labCommand(s, host, argv);
    if (!c.ok) throw new Error(c.diagnostics.map((d) => d.message).join('; '));
    return run(c.value.cmd, c.value.args, { ...o, cwd: REPO_ROOT });
  };
  const vipHolders = async (vip = s.vips[0]!) => (await labStatus(name, LABS_ROOT))?.vipHolders[vip] ?? [];
  return {
    name,
    inventoryPath: s.inventory,
    privateKey: s.privateKey,
    knownHosts: s.knownHosts,
    vip: s.vips[0]!,
    vips: [...s.vips],
    vip6: s.ipv6?.vips[0],
    vips6: s.ipv6 ? [...s.ipv6.vips] : undefined,
    hosts: s.hosts.map((h) => ({ name: h.name, role: h.role, address: h.address })),
    state: s,
    adminExec: (cmd, args = [], o) => inNs(undefined, [cmd, ...args], o),
    hostExec: (host, cmd, o) => inNs(host, typeof cmd === 'string' ? ['sh', '-c', cmd] : cmd, o),
    hafleet: (args, o) => inNs(undefined, [process.execPath, '--import', 'tsx', CLI_MAIN, ...args], o),
    hafleetJson: async (args, o) => {
      const r = await inNs(undefined, [process.execPath, '--import', 'tsx', CLI_MAIN, ...args], o);
      let doc: any = null;
      try {
        doc = JSON.parse(r.stdout);
      } catch {
        /* the caller asserts through code and stderr */
      }
      return { ...r, doc };
    },
    ssh: (host, command, o) => {
      const h = s.hosts.find((x) => x.name === host);
      if (!h) throw new Error(`lab ${name} has no host ${host}`);
      return inNs(undefined, ['ssh', '-i', s.privateKey, '-o', `UserKnownHostsFile=${s.knownHosts}`, '-o', 'StrictHostKeyChecking=yes',
        '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=5', `root@${h.address}`, command], o);
    },
    vipHolders,
    waitForVipHolder: async (expected, o = {}) => {
      const vip = o.vip ?? s.vips[0]!;
      const holders = await waitFor(`${vip} held by ${expected === undefined ? 'one director' : expected ?? 'nobody'}`, async () => {
        const hs = await vipHolders(vip);
        const ok = expected === undefined ? hs.length === 1 : expected === null ? hs.length === 0 : hs.length === 1 && hs[0] === expected;
        return ok && hs;
      }, { timeoutMs: o.timeoutMs ?? 15_000, intervalMs: 200 });
      return holders[0] ?? null;
    },
    status: async () => {
      const st = await labStatus(name, LABS_ROOT);
      if (!st) throw new Error(`lab ${name} is gone`);
      return st;
    },
    hostDir: (host) => {
      const h = s.hosts.find((x) => x.name === host);
      if (!h) throw new Error(`lab ${name} has no host ${host}`);
      return h.dir;
    },
    vipHolder: async (vip) => {
      const hs = await vipHolders(vip);
      if (hs.length > 1) throw new Error(`split brain: ${vip ?? s.vips[0]} is on ${hs.join(', ')}`);
      return hs[0] ?? null;
    },
    down: async () => {
      await labDown(name, LABS_ROOT);
      live.delete(name);
    },
  };
}

/** Starts a lab, runs `fn`, and tears the lab down whatever happens. */
export async function withLab<T>(opts: LabOptions, fn: (lab: TestLab) => Promise<T>): Promise<T> {
  const lab = await startLab(undefined, opts);
  try {
    return await fn(lab);
  } finally {
    await lab.down();
  }
}
