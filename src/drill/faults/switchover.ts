import { skewBound } from '../bound.js';
import { TRACK_DIR, vrrpMoveFile } from '../../host-paths/index.js';
import { prelude, shq } from '../shell.js';
import type { FaultSpec } from './spec.js';

/** The instance's move file as the inject/restore scripts name it; a bad name is a bug (topology checks them). */
function moveFile(instance: string | undefined): string | null {
  return instance && /^[A-Za-z0-9_-]{1,64}$/.test(instance) ? vrrpMoveFile(instance) : null;
}

/**
 * The release step of `hafleet switchover`, drilled: the master's move file (a track_file the
 * director's keepalived.conf tracks with weight 1) goes to −254, so the instance goes to FAULT
 * and sends priority 0, without stopping the speaker; the backup takes over after Skew_Time.
 * The restore writes back the value the file held, so preempt decides the return as usual.
 */
export const switchover = {
  name: 'switchover',
  aliases: ['planned-switchover'],
  description: "hafleet's planned move: the master's move file (track_file) to -254 — FAULT, priority-0 advert, the speaker keeps running",
  target: 'master',
  expect: 'failover',
  releaseBeforeRestore: true,
  protocolClock: 'priority-zero',
  selfRestoring: false,
  bound: skewBound,
  skip: () => null,
  inject: (o) => {
    const f = moveFile(o.instance);
    if (!f) return `echo "error no vrrp instance named for the move file"; exit 1\n`;
    return prelude + `[ -d ${shq(TRACK_DIR)} ] || mkdir -m 0700 -p ${shq(TRACK_DIR)}\nv=$(tr -dc 0-9- < ${shq(f)} 2>/dev/null); echo "prev \${v:-0}"\n`
      + `printf '%s\\n' -254 > ${shq(f + '.hafleet-tmp')} && at && mv -f ${shq(f + '.hafleet-tmp')} ${shq(f)}\n`;
  },
  restore: (info, o) => {
    const f = moveFile(o.instance);
    if (!f) return `echo "error no vrrp instance named for the move file"; exit 1\n`;
    return prelude + `at\nprintf '%s\\n' ${shq(String(info.moveValue ?? 0))} > ${shq(f + '.hafleet-tmp')} && mv -f ${shq(f + '.hafleet-tmp')} ${shq(f)}\n`;
  },
} as const satisfies FaultSpec;
