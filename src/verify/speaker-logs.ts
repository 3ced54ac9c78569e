/**
 * Authentication mismatches keepalived only logs: a wrong auth_pass makes both directors MASTER
 * and the one trace is a line per dropped advert (keepalived 2.x: "(VI_1) received an invalid
 * passwd!"; 1.x: "bad authentication"). Only lines since the speaker last started count, so a
 * mismatch fixed by a deploy does not haunt later runs.
 */

const authPattern = /invalid passwd|bad authentication|auth(entication)?[ _-]?type mismatch|authentication mismatch|auth_pass mismatch/i;
const startPattern = /Starting Keepalived|Starting VRRP child process|hafleet-agent: starting/i;

export function authLogLines(lines: readonly string[], limit = 5): string[] {
  let from = 0;
  lines.forEach((l, i) => {
    if (startPattern.test(l)) from = i + 1;
  });
  const hits = lines.slice(from).filter((l) => authPattern.test(l));
  return hits.slice(-limit).map((l) => l.trim());
}

/** The grep pattern the remote probe uses to keep log excerpts small (POSIX ERE). */
export const speakerLogGrep = 'Starting Keepalived|Starting VRRP child process|hafleet-agent: starting|invalid passwd|bad authentication|[Aa]uth.*mismatch';
