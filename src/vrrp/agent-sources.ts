/**
 * vrrp_track_process and track_file for the running agent: the trackers the instances use, their
 * first state read at start, then polled (see io/procs.ts for why): the processes known to match,
 * and the files, every QUICK_MS — a tracked nginx that dies is seen within 0.1 s; a full /proc
 * scan to find new ones every FULL_SCAN_MS (≈ 1.4 ms of CPU per scan with 65 processes). What
 * changed is handed back (`changed`), the agent re-applies tracking to the instances using it.
 */
import fs from 'node:fs';
import type { AgentConfig, InstanceConf, TrackFileConf, TrackProcessConf } from '../keepalived-conf/config-types.js';
import type { Logger } from './log.js';
import { initialQuorum, observeQuorum, parseTrackFileValue, processMatches, type QuorumState } from './tracking.js';
import { readProc, scanProcs } from './io/procs.js';

export interface ProcessTracker {
  conf: TrackProcessConf;
  state: QuorumState;
  pids: Set<number>;
}

export interface FileTracker {
  conf: TrackFileConf;
  value: number;
  /** inode, mtime and size of the last read: the file is re-read when they change. */
  seen?: string;
}

const QUICK_MS = 100;
const FULL_SCAN_MS = 1000;
const now = () => performance.timeOrigin + performance.now();

export class TrackSources {
  processes = new Map<string, ProcessTracker>();
  files = new Map<string, FileTracker>();
  private sourcePoll?: NodeJS.Timeout;
  private lastFullScan = 0;

  constructor(
    private readonly log: Logger,
    /** A tracker changed state; `initial` while reading the first states at start or reload. */
    private readonly changed: (uses: (c: InstanceConf) => boolean, initial: boolean) => void,
    private readonly stopping: () => boolean,
  ) {}

  stop(): void {
    clearInterval(this.sourcePoll);
  }

  /** vrrp_track_process and track_file trackers the instances use; their first state is read now. */
  start(cfg: AgentConfig): void {
    clearInterval(this.sourcePoll);
    const procs = new Set(cfg.instances.flatMap((i) => i.trackProcesses.map((t) => t.name)));
    const files = new Set(cfg.instances.flatMap((i) => i.trackFiles.map((t) => t.name)));
    const oldProcs = this.processes;
    this.processes = new Map();
    this.files = new Map();
    for (const conf of cfg.processes) {
      if (!procs.has(conf.name)) continue;
      this.processes.set(conf.name, { conf, state: oldProcs.get(conf.name)?.state ?? { up: true }, pids: new Set() });
    }
    for (const conf of cfg.trackFiles) {
      if (!files.has(conf.name)) continue;
      this.initFile(conf);
      this.files.set(conf.name, { conf, value: 0 });
    }
    if (this.processes.size > 0) this.fullScan(true);
    for (const f of this.files.values()) this.readTrackFile(f, true);
    if (this.processes.size > 0 || this.files.size > 0) this.sourcePoll = setInterval(() => this.pollSources(), QUICK_MS);
  }

  /** track_file's init_file: write the value when the file is missing, or always with overwrite. */
  private initFile(conf: TrackFileConf): void {
    if (!conf.init || (!conf.init.overwrite && fs.existsSync(conf.file))) return;
    try {
      fs.writeFileSync(conf.file, `${conf.init.value}\n`);
    } catch (e) {
      this.log.log('error', `track_file ${conf.name}: cannot initialise ${conf.file}`, { error: (e as Error).message });
    }
  }

  private fullScan(initial: boolean): void {
    const withArgv = [...this.processes.values()].some((t) => t.conf.fullCommand);
    let procs;
    try {
      procs = scanProcs(withArgv);
    } catch (e) {
      this.log.log('error', 'cannot read /proc for vrrp_track_process', { error: (e as Error).message });
      return;
    }
    this.lastFullScan = now();
    for (const t of this.processes.values()) {
      t.pids = new Set([...procs].filter(([, e]) => processMatches(t.conf, e)).map(([pid]) => pid));
      this.observeProcess(t, initial);
    }
  }

  private pollSources(): void {
    if (this.stopping()) return;
    if (this.processes.size > 0) {
      if (now() - this.lastFullScan >= FULL_SCAN_MS) this.fullScan(false);
      else {
        for (const t of this.processes.values()) {
          for (const pid of t.pids) {
            const e = readProc(pid, t.conf.fullCommand);
            if (!e || !processMatches(t.conf, e)) t.pids.delete(pid);
          }
          this.observeProcess(t, false);
        }
      }
    }
    for (const f of this.files.values()) this.readTrackFile(f, false);
  }

  private observeProcess(t: ProcessTracker, initial: boolean): void {
    const before = t.state.up;
    t.state = initial ? initialQuorum(t.conf, t.pids.size) : observeQuorum(t.state, t.conf, t.pids.size, now());
    if (t.state.up === before) return;
    this.log.log('info', `vrrp_track_process ${t.conf.name} ${t.state.up ? 'in quorum' : 'out of quorum'}`, { process: t.conf.name, count: t.pids.size, quorum: t.conf.quorum });
    this.changed((c) => c.trackProcesses.some((x) => x.name === t.conf.name), initial);
  }

  private readTrackFile(f: FileTracker, initial: boolean): void {
    let seen: string;
    let value = 0;
    try {
      const st = fs.statSync(f.conf.file);
      seen = `${st.ino}:${st.mtimeMs}:${st.size}`;
      if (seen === f.seen) return;
      const parsed = parseTrackFileValue(fs.readFileSync(f.conf.file, 'utf8'));
      if (!parsed.ok) this.log.log('warn', `track_file ${f.conf.name}: ${f.conf.file} holds no number; taken as 0`, { file: f.conf.file });
      value = parsed.value;
    } catch {
      seen = 'missing';
      if (seen === f.seen) return;
      this.log.log('warn', `track_file ${f.conf.name}: cannot read ${f.conf.file}; taken as 0`, { file: f.conf.file });
    }
    f.seen = seen;
    if (value === f.value && !initial) return;
    f.value = value;
    if (!initial) this.log.log('info', `track_file ${f.conf.name} = ${value}`, { file: f.conf.file, value });
    this.changed((c) => c.trackFiles.some((x) => x.name === f.conf.name), initial);
  }
}
