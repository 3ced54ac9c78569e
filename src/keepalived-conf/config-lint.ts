/**
 * Advice on a parsed config that is valid but fragile. Today: scripts that fail over by killing
 * keepalived by name. Under the agent that kills nothing (or the wrong thing), and even under
 * keepalived it is a crash-style failover: no priority-0 advert, VIPs left behind until the
 * process is gone, and nothing restarts it. Weight-based tracking does the same job in-protocol.
 */
import path from 'node:path';
import { warning, type Diagnostic, type Where } from '../diagnostics/index.js';
import type { ConfFiles } from './conf-lexer.js';
import type { AgentConfig, NotifyScript } from './config-types.js';

const KILLERS: RegExp[] = [
  /\b(killall|pkill)\b[^;&|\n]*\bkeepalived(?![\w-])/,
  /\bsystemctl\s+(stop|kill|restart)\s+[^;&|\n]*\bkeepalived(?![\w-])/,
  /\bservice\s+keepalived\s+(stop|restart)\b/,
  /\/etc\/init\.d\/keepalived\s+(stop|restart)\b/,
  /\bkill\b[^;&|\n]*\$\(\s*(pidof|pgrep)\s+keepalived\s*\)/,
];

export function killsKeepalived(text: string): string | undefined {
  for (const re of KILLERS) {
    const m = re.exec(text);
    // `killall -0 keepalived` only asks whether it runs.
    if (m && !/\s-0\b/.test(m[0])) return m[0];
  }
  return undefined;
}

const HINT =
  'use weight-based tracking instead: `vrrp_script chk { script "…"; weight -50 }` lowers the priority below the backup, which takes over in-protocol (see the agent README)';

/** Script commands and, when the command is a readable file, its text (scripts call scripts). */
function scriptTexts(cmd: string, baseDir: string, files: ConfFiles): string[] {
  const out = [cmd];
  for (const word of cmd.split(/\s+/)) {
    const w = word.replace(/^['"]|['"]$/g, '');
    if (!w.includes('/')) continue;
    const text = files.read(path.resolve(baseDir, w));
    if (text !== undefined && text.length < 256 * 1024) out.push(text);
  }
  return out;
}

export function lintConfig(cfg: AgentConfig, files: ConfFiles): Diagnostic[] {
  const ds: Diagnostic[] = [];
  const baseDir = path.dirname(cfg.files[0] ?? '.');
  const check = (what: string, cmd: string | undefined, where: Where) => {
    if (!cmd) return;
    for (const t of scriptTexts(cmd, baseDir, files)) {
      const hit = killsKeepalived(t);
      if (hit) {
        ds.push(warning('script-kills-keepalived', `${what} fails over by killing keepalived by name ('${hit}')`, where, HINT));
        return;
      }
    }
  };
  const used = new Set(cfg.instances.flatMap((i) => i.trackScripts.map((t) => t.name)));
  for (const s of cfg.scripts) if (used.has(s.name)) check(`vrrp_script ${s.name}`, s.script, s.where);
  for (const i of cfg.instances) {
    for (const [k, n] of Object.entries(i.notify) as [string, NotifyScript | undefined][]) check(`vrrp_instance ${i.name} notify${k === 'any' ? '' : '_' + k}`, n?.cmd, n?.where ?? i.where);
  }
  for (const g of cfg.syncGroups) {
    for (const [k, n] of Object.entries(g.notify) as [string, NotifyScript | undefined][]) check(`vrrp_sync_group ${g.name} notify${k === 'any' ? '' : '_' + k}`, n?.cmd, n?.where ?? g.where);
  }
  return ds;
}
