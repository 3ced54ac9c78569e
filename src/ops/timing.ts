import type { VrrpInstance } from '../topology/types.js';
import { rfcMasterDownIntervalMs } from '../vrrp/index.js';

/** The longest a backup waits for a silent master of this instance (the lowest priority's Master_Down_Interval). */
export function masterDownBoundMs(inst: VrrpInstance): number {
  const lowest = Math.min(...inst.members.map((m) => m.priority));
  return rfcMasterDownIntervalMs(inst.version, lowest, inst.advertInt * 1000);
}
