/**
 * `agent -t` as `keepalived -t`: every interface the config names must exist on this machine.
 * keepalived 2.2.7 reports each with its line ("WARNING - interface eth9 for vrrp_instance VI_1
 * doesn't exist", "(VI_1) tracked interface eth9 doesn't exist", "WARNING - interface eth9 for ip
 * address 198.18.0.10/24 doesn't exist", "… for VROUTE nexthop …"), then "Non-existent interface
 * specified in configuration", and exits 5 (measured on Debian 12's keepalived 2.2.7). A
 * unicast_src_ip that is on no interface it accepts (exit 0), so the agent does too.
 * Pure: the names present are passed in.
 */
import { error, type Diagnostic } from '../diagnostics/index.js';
import type { AgentConfig } from './config-types.js';

const HINT = 'name an interface of this director (ip -br link), or fix the inventory';

export function checkInterfaces(cfg: AgentConfig, present: ReadonlySet<string>): Diagnostic[] {
  const ds: Diagnostic[] = [];
  const missing = (name: string | undefined) => name !== undefined && name !== '' && !present.has(name);
  for (const i of cfg.instances) {
    if (missing(i.interface)) ds.push(error('conf-interface', `WARNING - interface ${i.interface} for vrrp_instance ${i.name} doesn't exist`, i.interfaceWhere ?? i.where, HINT));
    for (const t of i.trackInterfaces) {
      if (missing(t.name)) ds.push(error('conf-interface', `(${i.name}) tracked interface ${t.name} doesn't exist`, t.where, HINT));
    }
    for (const v of [...i.vips, ...i.vipsExcluded]) {
      // A VIP on the VMAC goes on an interface the agent creates.
      if (v.dev !== undefined && v.dev !== i.vmac?.name && missing(v.dev)) {
        ds.push(error('conf-interface', `WARNING - interface ${v.dev} for ip address ${v.address}/${v.prefix} doesn't exist`, v.where, HINT));
      }
    }
    for (const r of i.routes) {
      const k = r.words.indexOf('dev');
      const dev = k >= 0 ? r.words[k + 1] : undefined;
      if (dev !== i.vmac?.name && missing(dev)) ds.push(error('conf-interface', `WARNING - interface ${dev} for ${r.kind === 'route' ? 'VROUTE nexthop' : 'VRULE'} doesn't exist`, r.where ?? i.where, HINT));
    }
  }
  return ds;
}
