/**
 * The RFC's timer formulas, in one place, pure, milliseconds in and out: the VRRP machine arms
 * its timers with them and drill's protocol bounds quote them, so the two cannot drift apart.
 *
 * RFC 3768 §6.1 (v2): Skew_Time = (256 − Priority) / 256 seconds — the advert interval does not
 * enter it. RFC 5798 §6.1 (v3): Skew_Time = ((256 − Priority) × Master_Adver_Interval) / 256.
 * Both: Master_Down_Interval = 3 × (Master_)Adver_Interval + Skew_Time.
 */
import type { VrrpVersion } from './packet.js';

/** Skew_Time in ms, for a backup of this priority and this (learned, v3) advert interval in ms. */
export function rfcSkewTimeMs(version: VrrpVersion, priority: number, advertIntervalMs: number): number {
  return version === 2 ? ((256 - priority) * 1000) / 256 : ((256 - priority) * advertIntervalMs) / 256;
}

/** Master_Down_Interval in ms: how long a backup waits in silence before it takes over. */
export function rfcMasterDownIntervalMs(version: VrrpVersion, priority: number, advertIntervalMs: number): number {
  return 3 * advertIntervalMs + rfcSkewTimeMs(version, priority, advertIntervalMs);
}
