import { shq } from '../drill/index.js';
import type { VrrpInstance } from '../topology/types.js';

/**
 * The old holder keeps accepting the VIP's traffic for a moment after VRRP took the VIP off its
 * interface: the VIP goes on `lo` (as on an lvs-dr realserver) before the release and comes off
 * `lingerSec` later. Between the holder's priority 0 and the target's gratuitous ARP (~10 ms)
 * clients still send to the old holder's MAC: without this a SYN sent then is lost (TCP sends it
 * again after 1 s) and a request already sent is reset. While the VIP is on lo the interface
 * answers ARP only for its own addresses (arp_ignore 1) and never names the VIP as an ARP source
 * (arp_announce 2), so nobody learns the old MAC again; both go back when the VIP leaves lo. A VIP
 * on lo is not held (verify, drill and `ip monitor` look at every interface but lo).
 */

export interface LingerVip {
  address: string;
  /** The VIP's interface: its ARP settings are the ones that matter. */
  dev: string;
  family: 4 | 6;
}

/**
 * New connections to the VIPs are held off on the old holder for a moment around the release
 * (its SYNs dropped; TCP sends a SYN again after 1 s, by then to the new holder): a connection
 * opened with the old holder just before the target's gratuitous ARP would have its next packets
 * sent to the target, which knows nothing of it and resets it. The connections already open get
 * SYN_HOLD_SETTLE_MS to finish (the requests of a web front end take milliseconds) before the
 * release. A table of its own (nftables), deleted by a detached cleaner; without nft, skipped.
 */
export const SYN_HOLD_MS = 400;
export const SYN_HOLD_SETTLE_MS = 60;

function synHold(vips: readonly LingerVip[]): string[] {
  if (!vips.length) return [];
  const rules = vips.map((v) => `add rule inet hafleet_syn_hold input ${v.family === 4 ? 'ip' : 'ip6'} daddr ${v.address} tcp flags & (syn | ack) == syn drop`);
  const table = ['add table inet hafleet_syn_hold', 'add chain inet hafleet_syn_hold input { type filter hook input priority -5 ; }', ...rules].join('\n');
  return [
    `if command -v nft >/dev/null 2>&1 && printf '%s\\n' ${shq(table)} | nft -f - 2>/dev/null; then`,
    `  setsid sh -c 'sleep ${(SYN_HOLD_MS / 1000).toFixed(2)}; nft delete table inet hafleet_syn_hold 2>/dev/null' </dev/null >/dev/null 2>&1 &`,
    `  sleep ${(SYN_HOLD_SETTLE_MS / 1000).toFixed(2)}`,
    'fi',
  ];
}

/** Shell run on the holder just before the release; a detached cleaner undoes it. */
export function lingerScript(vips: readonly LingerVip[], lingerSec: number): string {
  for (const v of vips) if (!/^[0-9a-fA-F.:]+$/.test(v.address)) throw new Error(`VIP address ${JSON.stringify(v.address)}`);
  const out: string[] = [];
  for (const v of vips) {
    const host = `${v.address}/${v.family === 4 ? 32 : 128}`;
    const undo: string[] = [`sleep ${Math.ceil(lingerSec)}`, `ip addr del ${shq(host)} dev lo 2>/dev/null`];
    out.push(`if ip addr add ${shq(host)} dev lo 2>/dev/null; then`);
    if (v.family === 4) {
      const base = `/proc/sys/net/ipv4/conf/${v.dev}`;
      if (!/^[A-Za-z0-9_.:@-]{1,15}$/.test(v.dev)) throw new Error(`interface name ${JSON.stringify(v.dev)}`);
      out.push(`  ig=$(cat ${base}/arp_ignore 2>/dev/null || echo 0); an=$(cat ${base}/arp_announce 2>/dev/null || echo 0)`);
      out.push(`  echo 1 > ${base}/arp_ignore 2>/dev/null; echo 2 > ${base}/arp_announce 2>/dev/null`);
      undo.push(`echo "$ig" > ${base}/arp_ignore`, `echo "$an" > ${base}/arp_announce`);
      out.push(`  ig="$ig" an="$an" setsid sh -c ${shq(undo.join('; '))} </dev/null >/dev/null 2>&1 &`);
    } else out.push(`  setsid sh -c ${shq(undo.join('; '))} </dev/null >/dev/null 2>&1 &`);
    out.push('fi');
  }
  out.push(...synHold(vips));
  return out.join('\n') + '\n';
}

/**
 * How long the old holder keeps accepting: well past the target's gratuitous ARP (~10 ms) and
 * the requests already under way (the lab's take milliseconds; a long download is cut anyway
 * once the client's packets go to the new holder).
 */
export const LINGER_SEC = 2;

/** The VIPs of `inst` as `host` carries them. */
export function lingerVips(inst: VrrpInstance, host: string): LingerVip[] {
  const dev = inst.members.find((m) => m.host === host)?.interface ?? inst.interface;
  return inst.vips.map((v) => ({ address: v.address, dev: v.devExplicit ? v.dev : dev, family: v.address.includes(':') ? 6 : 4 }));
}
