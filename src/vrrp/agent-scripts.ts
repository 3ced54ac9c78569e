/**
 * vrrp_script for the running agent: each script the instances use runs every `interval` (never
 * two at once), its result goes through fall/rise (tracking.ts), and a change of state is logged in
 * keepalived's words and handed back (`changed`) for the agent to re-apply tracking.
 */
import type { AgentConfig, TrackScriptConf } from '../keepalived-conf/config-types.js';
import type { Logger } from './log.js';
import { initialTracker, observe, type TrackerState } from './tracking.js';
import { runScript } from './io/scripts.js';
import { scriptLines } from './ka-log.js';

export interface ScriptTracker {
  conf: TrackScriptConf;
  state: TrackerState;
  timer?: NodeJS.Timeout;
  running: boolean;
  /** The last exit status, for keepalived's "Script `x` now returning N" when it changes. */
  lastCode?: number;
}

export class TrackScripts {
  readonly trackers = new Map<string, ScriptTracker>();

  constructor(
    private readonly log: Logger,
    private readonly changed: (script: string) => void,
    private readonly stopping: () => boolean,
  ) {}

  stop(): void {
    for (const t of this.trackers.values()) clearTimeout(t.timer);
    this.trackers.clear();
  }

  start(cfg: AgentConfig): void {
    const used = new Set(cfg.instances.flatMap((i) => i.trackScripts.map((t) => t.name)));
    for (const conf of cfg.scripts) {
      if (!used.has(conf.name)) continue;
      const t: ScriptTracker = { conf, state: initialTracker(), running: false };
      this.trackers.set(conf.name, t);
      const tick = () => {
        if (this.stopping()) return;
        t.timer = setTimeout(tick, conf.intervalSec * 1000);
        if (t.running) return;
        t.running = true;
        if (!conf.exec) return;
        void runScript(conf.exec, conf.timeoutSec * 1000).then((res) => {
          t.running = false;
          const before = t.state.up;
          t.state = observe(t.state, res.ok, conf.fall, conf.rise);
          // keepalived's words: the exit status when it changes, then the script's new state.
          const code = res.code ?? -1;
          const lines = scriptLines(conf.name, t.state.up, code !== t.lastCode && t.lastCode !== undefined ? code : undefined);
          t.lastCode = code;
          if (lines.length > 1) this.log.log('info', lines[0]!, { script: conf.name });
          if (t.state.up !== before) {
            this.log.log('info', lines[lines.length - 1]!, { script: conf.name, code: res.code, timedOut: res.timedOut, error: res.error });
            this.changed(conf.name);
          }
        });
      };
      tick();
    }
  }
}
