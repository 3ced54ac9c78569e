/**
 * Host addresses and VIP placement: one parser of `ip -j addr` and one answer to "who holds the
 * VIP", pure, for every part that asks a host what it holds (drill, verify, lab status, deploy's
 * VIP wait). The commands that fetch the output stay with their callers.
 */
export type { HostAddress, HostAddresses } from './types.js';
export { parseIpJson } from './parse-ip-json.js';
export { vipHolders, holds } from './vip-holders.js';
export type { PlacementAddress } from './vip-holders.js';
