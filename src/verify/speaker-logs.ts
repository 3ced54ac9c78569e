/**
 * Authentication mismatches keepalived only logs: a wrong auth_pass makes both directors MASTER
 * and the one trace is a line per dropped advert (keepalived 2.x: "(VI_1) received an invalid
 * passwd!", or "(VI_1) received a 0 auth, expecting 1!" when one side has no auth_type; 1.x: "bad
 * authentication"). The hafleet agent logs keepalived's words, with the sender as `src=` (text)
 * or `"src"` (JSON). Only lines since the speaker last started count ("agent started" for the
 * agent), so a mismatch fixed by a deploy does not haunt later runs.
 */

const authPattern = /invalid passwd|bad authentication|received a \d+ auth, expecting \d+|auth(entication)?[ _-]?type mismatch|authentication mismatch|auth_pass mismatch/i;
const startPattern = /Starting Keepalived|Starting VRRP child process|hafleet-agent: starting|\bagent started\b/i;

export function authLogLines(lines: readonly string[], limit = 5): string[] {
  let from = 0;
  lines.forEach((l, i) => {
    if (startPattern.test(l)) from = i + 1;
  });
  const hits = lines.slice(from).filter((l) => authPattern.test(l));
  return hits.slice(-limit).map((l) => l.trim());
}

/**
 * keepalived's lines around a state change (vrrp.c, vrrp_scheduler.c; the agent logs the same
 * words, see vrrp/ka-log.ts): the cause, then "Entering X STATE". `hafleet status` shows the
 * last one with its cause.
 */
const transitionPattern = /Entering (MASTER|BACKUP|FAULT) STATE|advertisement timeout|with (higher|same) priority|priority 0|sent 0 priority|preempt delay over|\) fault: |VRRP_Script\(|effective priority|[Ee]ntering FAULT state \(|Netlink reports \S+ down/;

/** The lines that tell of state changes and their causes, oldest first, at most the last `limit`. */
export function transitionLogLines(lines: readonly string[], limit = 20): string[] {
  return lines.filter((l) => transitionPattern.test(l)).slice(-limit).map((l) => l.trim());
}

/** The grep pattern the remote probe uses to keep log excerpts small (POSIX ERE). */
export const speakerLogGrep = 'Starting Keepalived|Starting VRRP child process|hafleet-agent: starting|agent started|invalid passwd|bad authentication|received a [0-9]+ auth, expecting|[Aa]uth.*mismatch'
  + '|Entering (MASTER|BACKUP|FAULT) STATE|advertisement timeout|with (higher|same) priority|priority 0|preempt delay over|\\) fault: |VRRP_Script\\(|effective priority|[Ee]ntering FAULT state \\(|Netlink reports [^ ]+ down';

/** The senders named by the agent's auth lines (`src=ADDR` or `"src":"ADDR"`), in order, once each. */
export function authLogSources(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    const m = /\bsrc=([0-9a-fA-F.:]+)|"src":"([0-9a-fA-F.:]+)"/.exec(l);
    const ip = m?.[1] ?? m?.[2];
    if (ip && !out.includes(ip)) out.push(ip);
  }
  return out;
}
