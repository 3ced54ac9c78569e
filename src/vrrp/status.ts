/**
 * The agent's status document (the file `--status-file` names, read by `hafleet verify`): per
 * instance state, current master, priorities, counters and the last transition with its reason.
 * Written atomically (temp file + rename) so a reader never sees half a document. No secrets.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Counters, Transition, VrrpState } from './machine.js';

export interface InstanceStatus {
  name: string;
  interface: string;
  vrid: number;
  version: 2 | 3;
  state: VrrpState;
  priority: number;
  basePriority: number;
  primaryIp: string;
  /** The current master's address (ours when MASTER), null when unknown. */
  master: string | null;
  masterPriority: number | null;
  vips: string[];
  faults: string[];
  counters: Counters;
  lastTransition: (Transition & { at: string }) | null;
}

export interface AgentStatus {
  pid: number;
  startedAt: string;
  updatedAt: string;
  config: string;
  vipVia: string;
  socketDrops: { otherVrid: number; undecodable: number };
  instances: InstanceStatus[];
  /** vrrp_script results after fall/rise (what `hafleet verify` shows). */
  scripts: { name: string; ok: boolean }[];
  /** vrrp_track_process: in quorum or not, and how many processes matched. */
  processes: { name: string; ok: boolean; count: number }[];
  /** track_file: the value last read. */
  files: { name: string; file: string; value: number }[];
  /** The process's memory in KiB (process.memoryUsage), for the memory bench and `ps`-less hosts. */
  memoryKb?: { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
}

interface RunnerView {
  conf: { name: string; interface: string; vrid: number; version: 2 | 3; vips: { address: string }[]; vipsExcluded: { address: string }[] };
  m: { state: VrrpState; priority: number; params: { priority: number; primaryIp: string }; masterIp?: string; masterPriority?: number; faults: string[]; counters: Counters; lastTransition?: Transition };
  lastTransitionAt?: number;
}

export function buildStatus(o: {
  startedAt: string;
  configFile: string;
  runners: RunnerView[];
  socketDrops: AgentStatus['socketDrops'];
  addrVia: string;
  scripts: AgentStatus['scripts'];
  processes?: AgentStatus['processes'];
  files?: AgentStatus['files'];
  memory?: NodeJS.MemoryUsage;
}): AgentStatus {
  return {
    pid: process.pid,
    startedAt: o.startedAt,
    updatedAt: new Date().toISOString(),
    config: o.configFile,
    vipVia: o.addrVia,
    socketDrops: o.socketDrops,
    instances: o.runners.map((r) => ({
      name: r.conf.name,
      interface: r.conf.interface,
      vrid: r.conf.vrid,
      version: r.conf.version,
      state: r.m.state,
      priority: r.m.priority,
      basePriority: r.m.params.priority,
      primaryIp: r.m.params.primaryIp,
      master: r.m.state === 'MASTER' ? r.m.params.primaryIp : r.m.state === 'BACKUP' ? (r.m.masterIp ?? null) : null,
      masterPriority: r.m.state === 'MASTER' ? r.m.priority : r.m.state === 'BACKUP' ? (r.m.masterPriority ?? null) : null,
      vips: [...r.conf.vips, ...r.conf.vipsExcluded].map((v) => v.address),
      faults: r.m.faults,
      counters: r.m.counters,
      lastTransition: r.m.lastTransition && r.lastTransitionAt ? { ...r.m.lastTransition, at: new Date(r.lastTransitionAt).toISOString() } : null,
    })),
    scripts: o.scripts,
    processes: o.processes ?? [],
    files: o.files ?? [],
    ...(o.memory ? { memoryKb: { rss: kb(o.memory.rss), heapTotal: kb(o.memory.heapTotal), heapUsed: kb(o.memory.heapUsed), external: kb(o.memory.external), arrayBuffers: kb(o.memory.arrayBuffers) } } : {}),
  };
}

const kb = (bytes: number) => Math.round(bytes / 1024);

export function writeStatus(file: string, s: AgentStatus): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(s, null, 2) + '\n');
  fs.renameSync(tmp, file);
}
