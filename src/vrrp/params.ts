/** InstanceConf (what the file says) → InstanceParams (what the state machine needs). Pure. */
import type { InstanceParams } from './machine.js';
import type { InstanceConf } from '../keepalived-conf/config-types.js';

export function toParams(c: InstanceConf, primaryIp: string): InstanceParams {
  return {
    name: c.name,
    version: c.version,
    vrid: c.vrid,
    priority: c.priority,
    advertIntervalCs: c.advertIntervalCs,
    primaryIp,
    vips: c.vips.map((v) => v.address),
    preempt: c.preempt,
    preemptDelayMs: c.preemptDelaySec * 1000,
    initialState: c.initialState,
  };
}

/** Our source address: unicast_src_ip, mcast_src_ip, or the interface's first IPv4 address that is not a VIP. */
export function choosePrimaryIp(c: InstanceConf, ifaceAddrs: readonly string[]): string | undefined {
  if (c.unicastSrcIp) return c.unicastSrcIp;
  if (c.mcastSrcIp) return c.mcastSrcIp;
  const vips = new Set([...c.vips, ...c.vipsExcluded].map((v) => v.address));
  return ifaceAddrs.find((a) => !vips.has(a));
}
