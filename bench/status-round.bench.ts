/**
 * Issue 15 part 4: what one status round costs the admin box, per host, measured in process.
 * Runs where the hosts are reachable (status-serve.bench.ts --lab runs it in the lab's admin
 * namespace): loads the inventory as the CLI does, keeps one SSH transport, runs ROUNDS rounds
 * of StatusRounds back to back after WARM rounds, and prints per host role (director /
 * realserver) the bytes each round's remote command returned, and for the whole round the CPU
 * time of this process (user+system) and the wall time.
 *
 * Run: node --import tsx bench/status-round.bench.ts --inventory=PATH [--rounds=20] [--warm=3] [--interval=2000]
 */
import { gatherFacts } from '../src/facts/index.js';
import { loadFleet } from '../src/fleet/index.js';
import { createSshTransport, localUserName, loadUserSshConfig, type Transport } from '../src/transport/index.js';
import { StatusRounds } from '../src/status/source.js';

const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const INVENTORY = flag('inventory');
const ROUNDS = Number(flag('rounds') ?? 20);
const WARM = Number(flag('warm') ?? 3);
const INTERVAL = Number(flag('interval') ?? 2000);
/** GatherOptions.realserverEveryRounds (default: the source's own). */
const EVERY = flag('every') !== undefined ? Number(flag('every')) : undefined;
if (!INVENTORY) throw new Error('--inventory=PATH');

const loaded = loadFleet(INVENTORY, { env: process.env, refs: { sshConfig: loadUserSshConfig(), localUser: localUserName(process.env.USER) } });
if (!loaded.ok) throw new Error(loaded.diagnostics.map((d) => d.message).join('; '));
const fleet = loaded.value;
const directors = new Set(fleet.topology.clusters.flatMap((c) => c.directors));
const inner = createSshTransport({ sshConfig: loadUserSshConfig(), localUser: localUserName(process.env.USER), agentSocket: null, acceptNewHostKeys: false });
const bytes = new Map<string, number>();
const reads = new Map<string, number>();
// Counts what each host's remote command sent back (stdout + stderr), the bytes SSH carries and node parses.
const transport: Transport = {
  ...inner,
  exec: async (host, cmd, o) => {
    const r = await inner.exec(host, cmd, o);
    reads.set(host.name, (reads.get(host.name) ?? 0) + 1);
    if (r.ok) bytes.set(host.name, (bytes.get(host.name) ?? 0) + Buffer.byteLength(r.value.stdout) + Buffer.byteLength(r.value.stderr));
    return r;
  },
  put: (...a) => inner.put(...a),
  get: (...a) => inner.get(...a),
  close: () => inner.close(),
};
const rounds = new StatusRounds({ topology: fleet.topology, hosts: fleet.refs, desired: fleet.desired }, { transport, gatherFacts, forks: 20, hostTimeoutMs: 4000, ...(EVERY !== undefined ? { realserverEveryRounds: EVERY } : {}) });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (let k = 0; k < WARM; k++) await rounds.round();
bytes.clear();
reads.clear();
const cpu: number[] = [];
const wall: number[] = [];
let unreachable = 0;
for (let k = 0; k < ROUNDS; k++) {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const snap = await rounds.round();
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
  wall.push(performance.now() - w0);
  unreachable += snap.unreachable.length;
  await new Promise((r) => setTimeout(r, INTERVAL));
}
const per = (want: boolean) => {
  const hs = [...bytes.keys()].filter((h) => directors.has(h) === want);
  const b = hs.reduce((a, h) => a + bytes.get(h)!, 0);
  const n = hs.reduce((a, h) => a + (reads.get(h) ?? 0), 0);
  return hs.length ? `${(b / hs.length / ROUNDS / 1024).toFixed(2)} KiB (${hs.length} hosts; ${(n / hs.length / ROUNDS).toFixed(2)} reads/round/host, ${(b / n / 1024).toFixed(2)} KiB/read)` : '-';
};
const total = [...bytes.values()].reduce((a, b) => a + b, 0) / ROUNDS;
console.log(`round: ${fleet.hosts.length} hosts${EVERY !== undefined ? ` (realservers every ${EVERY} rounds)` : ''}, ${ROUNDS} rounds after ${WARM}: bytes per round per director ${per(true)}, per realserver ${per(false)}, all ${(total / 1024).toFixed(0)} KiB/round; ` +
  `CPU per round p50 ${median(cpu).toFixed(1)} ms (min ${Math.min(...cpu).toFixed(1)}, max ${Math.max(...cpu).toFixed(1)}) = ${(median(cpu) / (median(wall) + INTERVAL) * 100).toFixed(2)} % of a core at a ${INTERVAL} ms pause; wall p50 ${median(wall).toFixed(0)} ms; unreachable ${unreachable}; ` +
  `heap ${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MiB, RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
await transport.close();
