import { masterDownBound } from '../bound.js';
import { prelude, shq } from '../shell.js';
import type { FaultSpec } from './spec.js';

const linkDownStamp = '/tmp/hafleet-drill-link-down.at';

/** The master's VRRP interface goes down: silence, the backup waits out Master_Down_Interval. */
export const linkDown = {
  name: 'link-down',
  aliases: [],
  description: "take the master's VRRP interface down for a few seconds (the host brings it back itself)",
  target: 'master',
  expect: 'failover',
  releaseBeforeRestore: true,
  protocolClock: 'last-advert',
  selfRestoring: true,
  bound: masterDownBound,
  skip: () => null,
  inject: (o) => {
    // The host brings its own link back: SSH to it runs over the same interface.
    const dev = shq(o.dev ?? 'eth0');
    const sec = Math.max(1, Math.round(o.downSec ?? 6));
    // The link goes down a moment later, so this command's answer gets out first; the host
    // stamps the moment itself and the restore reads the stamp back.
    const inner = `sleep 0.3; date +%s%N >${shq(linkDownStamp)}; ip link set ${dev} down; sleep ${sec}; ip link set ${dev} up`;
    return prelude + `setsid sh -c ${shq(inner)} </dev/null >/dev/null 2>&1 &
echo scheduled ${sec}`;
  },
  restore: (_info, o) => prelude + `at\nip link set ${shq(o.dev ?? 'eth0')} up\n[ -s ${shq(linkDownStamp)} ] && echo "down $(cat ${shq(linkDownStamp)})"; rm -f ${shq(linkDownStamp)}; true`,
} as const satisfies FaultSpec;
