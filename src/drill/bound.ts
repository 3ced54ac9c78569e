import type { DrillConfig, ProtocolBound } from './types.js';

/**
 * Skew_Time of the director that takes over.
 * RFC 3768 §6.1 (v2): (256 − Priority) / 256 seconds.
 * RFC 5798 §6.1 (v3): ((256 − Priority) × Master_Adver_Interval) / 256.
 */
export function skewTimeSec(version: 2 | 3, priority: number, advertIntSec: number): number {
  return version === 2 ? (256 - priority) / 256 : ((256 - priority) * advertIntSec) / 256;
}

/** Master_Down_Interval = 3 × Advertisement_Interval + Skew_Time. */
export function masterDownIntervalSec(version: 2 | 3, priority: number, advertIntSec: number): number {
  return 3 * advertIntSec + skewTimeSec(version, priority, advertIntSec);
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function skewParts(c: DrillConfig): { skew: number; text: string } {
  const skew = skewTimeSec(c.version, c.backupPriority, c.advertIntSec);
  return { skew, text: c.version === 2 ? `(256−${c.backupPriority})/256 s` : `(256−${c.backupPriority})×${c.advertIntSec}/256 s` };
}

/** A graceful stop: the master sends priority 0, the backup waits Skew_Time only (RFC 5798 §6.4.2). */
export function skewBound(c: DrillConfig): ProtocolBound {
  const { skew, text } = skewParts(c);
  return { ms: round(skew * 1000), formula: `skew ${text} = ${round(skew * 1000)} ms` };
}

/** Silence (SIGKILL, link down): the backup waits Master_Down_Interval. */
export function masterDownBound(c: DrillConfig): ProtocolBound {
  const { skew, text } = skewParts(c);
  const down = 3 * c.advertIntSec + skew;
  return { ms: round(down * 1000), formula: `3×${c.advertIntSec} s + skew ${text} = ${round(down * 1000)} ms` };
}

/**
 * A tracked service stopped: the track script must fail `fall` times (each run up to its
 * timeout), then the backup ignores the lower-priority adverts and waits Master_Down_Interval.
 * Null without a track script (nothing would demote the master).
 */
export function trackedBound(c: DrillConfig): ProtocolBound | null {
  if (!c.track) return null;
  const { skew, text } = skewParts(c);
  const down = 3 * c.advertIntSec + skew;
  const detect = c.track.fall * c.track.intervalSec + c.track.timeoutSec;
  return { ms: round((detect + down) * 1000), formula: `track ${c.track.fall}×${c.track.intervalSec} s + ${c.track.timeoutSec} s timeout + 3×${c.advertIntSec} s + skew ${text} = ${round((detect + down) * 1000)} ms` };
}
