import { error, type Diagnostic } from '../../diagnostics/index.js';
import type { Rule } from '../rule.js';

/**
 * An address label must begin with its device's name (`eth0` or `eth0:web`): iproute2 refuses
 * others ("label must begin with interface name") and tools that parse `ip addr` read the label's
 * prefix as the device. The type (vip-label) checks the characters; this checks the prefix.
 */
export const vipLabel: Rule = {
  code: 'vip-label',
  summary: "a VIP label that does not begin with the VIP's device (dev or dev:suffix)",
  check: ({ topology }) => topology.clusters.flatMap((c) => c.instances.flatMap((i) => i.vips.flatMap((v): Diagnostic[] => {
    if (v.label === undefined) return [];
    // Without its own dev the VIP goes on each director's VRRP interface.
    const devs = v.devExplicit ? [v.dev] : [...new Set([v.dev, ...i.members.map((m) => m.interface)])];
    const bad = devs.filter((d) => v.label !== d && !v.label!.startsWith(`${d}:`));
    if (bad.length === 0) return [];
    return [error('vip-label', `label ${v.label} does not begin with the VIP's device ${bad.join(', ')}`, v.where,
      `write ${bad[0]}:${v.label!.split(':').pop() || 'vip'} (the device, a colon, a suffix)`)];
  }))),
};
