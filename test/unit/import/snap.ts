/** A HostSnapshot from a map of files, for the pure model's tests. */
import type { HostSnapshot } from '../../../src/import/index.js';

export function snap(host: string, files: Record<string, string>, o: { speakers?: ('keepalived' | 'agent')[]; loScripts?: string[] } = {}): HostSnapshot {
  const s: HostSnapshot = {
    host, keepalivedConf: '/etc/keepalived/keepalived.conf', files: new Map(), roles: new Map(), includes: [], sysctls: new Map(),
    speakers: o.speakers ?? ['keepalived'],
  };
  for (const [p, text] of Object.entries(files)) {
    s.files.set(p, { kind: 'text', text });
    s.roles.set(p, o.loScripts?.includes(p) ? 'lo-script' : p.startsWith('/etc/keepalived/') && p.endsWith('.conf') ? 'keepalived' : 'script');
  }
  return s;
}

export const HOSTS = [
  { name: 'lb1', address: '198.18.0.11' }, { name: 'lb2', address: '198.18.0.12' },
  { name: 'web1', address: '198.18.0.21' }, { name: 'web2', address: '198.18.0.22' },
];

/** A two-director instance; `body` replaces or adds lines inside vrrp_instance. */
export function pair(o: { vrid?: number; vip?: string; prio?: [number, number]; state?: [string, string]; body?: string; top?: string; name?: string } = {}): [string, string] {
  const [p1, p2] = o.prio ?? [150, 100];
  const [s1, s2] = o.state ?? ['MASTER', 'BACKUP'];
  const conf = (prio: number, state: string) => `${o.top ?? ''}
vrrp_instance ${o.name ?? 'VI_1'} {
    state ${state}
    interface eth0
    virtual_router_id ${o.vrid ?? 51}
    priority ${prio}
    advert_int 1
    virtual_ipaddress {
        ${o.vip ?? '198.18.0.100/24 dev eth0 label eth0:1'}
    }
${o.body ?? ''}
}
`;
  return [conf(p1, s1), conf(p2, s2)];
}
