import { rfcMasterDownIntervalMs, rfcSkewTimeMs } from '../vrrp/index.js';
import type { DrillConfig, ProtocolBound } from './types.js';

/** Skew_Time in seconds for drill's config (the formula: `vrrp/timing.ts`). */
export function skewTimeSec(version: 2 | 3, priority: number, advertIntSec: number): number {
  return rfcSkewTimeMs(version, priority, advertIntSec * 1000) / 1000;
}

/** Master_Down_Interval in seconds (the formula: `vrrp/timing.ts`). */
export function masterDownIntervalSec(version: 2 | 3, priority: number, advertIntSec: number): number {
  return rfcMasterDownIntervalMs(version, priority, advertIntSec * 1000) / 1000;
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
  const { text } = skewParts(c);
  const down = masterDownIntervalSec(c.version, c.backupPriority, c.advertIntSec);
  return { ms: round(down * 1000), formula: `3×${c.advertIntSec} s + skew ${text} = ${round(down * 1000)} ms` };
}

/**
 * A tracked service stopped: the track script must fail `fall` times (each run up to its
 * timeout), then the backup ignores the lower-priority adverts and waits Master_Down_Interval.
 * Null without a track script (nothing would demote the master).
 */
export function trackedBound(c: DrillConfig): ProtocolBound | null {
  if (!c.track) return null;
  const { text } = skewParts(c);
  const down = masterDownIntervalSec(c.version, c.backupPriority, c.advertIntSec);
  const detect = c.track.fall * c.track.intervalSec + c.track.timeoutSec;
  return { ms: round((detect + down) * 1000), formula: `track ${c.track.fall}×${c.track.intervalSec} s + ${c.track.timeoutSec} s timeout + 3×${c.advertIntSec} s + skew ${text} = ${round((detect + down) * 1000)} ms` };
}
