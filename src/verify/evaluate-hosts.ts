import type { Cluster, Topology } from '../topology/types.js';
import type { Finding, Observations } from './types.js';
import { reachable } from './evaluate-vips.js';

/** Every host of the topology: reachable, and its managed files still what the last deploy wrote. */
export function hostFindings(topology: Topology, obs: Observations): Finding[] {
  const out: Finding[] = [];
  for (const host of topology.roles.keys()) {
    const o = obs.hosts[host];
    if (!o) continue;
    if (!o.reachable) {
      out.push({ kind: 'host-unreachable', ok: false, severity: 'error', host, message: `${host} unreachable: ${o.message}`,
        hint: 'check the address, the SSH key and that sshd runs' });
      continue;
    }
    if (o.maintenance) {
      out.push({ kind: 'maintenance', ok: true, severity: 'ok', host,
        message: `${host} is in maintenance: out of service on purpose (\`hafleet maintenance ${host} off\` brings it back)` });
    }
    if (!o.lastDeploy) {
      // A host hafleet renders nothing for (an nginx-mode realserver) never gets a record.
      if (o.wantedFiles !== 0) out.push({ kind: 'drift', ok: false, severity: 'warning', host, message: `${host} has no hafleet deploy record`, hint: 'run hafleet deploy' });
      continue;
    }
    for (const rec of o.lastDeploy.files) {
      const live = o.files.find((f) => f.path === rec.path);
      if (!live || live.liveSha256 === rec.sha256) continue;
      out.push({
        kind: 'drift', ok: false, severity: 'error', host,
        message: live.liveSha256 === null
          ? `${host}:${rec.path} was deleted since the deploy of ${o.lastDeploy.at}`
          : `${host}:${rec.path} changed since the deploy of ${o.lastDeploy.at} by ${o.lastDeploy.by}`,
        hint: `see the diff; hafleet plan shows what a deploy would put back`,
        ...(live.diff ? { diff: live.diff } : {}),
      });
    }
  }
  return out;
}

/** Directors: VRRP speaker and (nginx mode) nginx running, track scripts passing. */
export function directorFindings(cluster: Cluster, obs: Observations): Finding[] {
  const out: Finding[] = [];
  for (const host of cluster.directors) {
    const h = reachable(obs, host);
    if (!h) continue;
    // A director in maintenance holds no VIP on purpose: what is down there is said, not failed.
    const severity = h.maintenance ? 'warning' as const : 'error' as const;
    const engines = new Set(cluster.instances.flatMap((i) => i.members.filter((m) => m.host === host).map((m) => m.engine)));
    if (engines.size === 0) engines.add(cluster.engine);
    for (const engine of engines) {
      const daemon = engine === 'agent' ? 'hafleet-agent' : 'keepalived';
      if (!h.running[daemon]) {
        out.push({ kind: 'daemon-down', ok: false, severity, cluster: cluster.name, host,
          message: `${daemon} is not running on ${host}${h.maintenance ? ' (in maintenance)' : ''}`, hint: `start it (hafleet deploy restarts it) and read its log on ${host}` });
      }
    }
    if (cluster.mode === 'nginx' && !h.running.nginx) {
      out.push({ kind: 'daemon-down', ok: false, severity, cluster: cluster.name, host,
        message: `nginx is not running on director ${host}${h.maintenance ? ' (in maintenance)' : ''}`, hint: `nginx -t on ${host}, then start it` });
    }
    for (const s of h.speaker?.scripts ?? []) {
      if (s.ok) continue;
      out.push({ kind: 'track-failing', ok: false, severity, cluster: cluster.name, host,
        message: `track script ${s.name} fails on ${host}: its priority is lowered`,
        hint: `run the ${s.name} script by hand on ${host}` });
    }
  }
  return out;
}

/** Wanted live value and the values that suppress ARP for the VIP as well (arp_ignore 2 is stricter). */
const want: Record<string, { value: string; accept: string[] }> = {
  'net.ipv4.conf.all.arp_ignore': { value: '1', accept: ['1', '2'] },
  'net.ipv4.conf.all.arp_announce': { value: '2', accept: ['2'] },
};

/** LVS-DR realservers: VIP on lo as /32, ARP suppressed by the live sysctls (not only the file). */
export function realserverFindings(cluster: Cluster, obs: Observations): Finding[] {
  if (cluster.mode !== 'lvs-dr') return [];
  const out: Finding[] = [];
  const vips = cluster.instances.flatMap((i) => i.vips);
  for (const host of cluster.realservers) {
    const h = reachable(obs, host);
    if (!h) continue;
    for (const v of vips) {
      const a = h.addresses.find((x) => x.address === v.address && x.dev === 'lo');
      if (a && a.prefix === 32) continue;
      out.push({ kind: 'realserver-vip-missing', ok: false, severity: 'error', cluster: cluster.name, host, vip: v.address,
        message: a ? `${v.address} is on ${host} lo as /${a.prefix}, expected /32` : `${v.address} is not on ${host} lo: direct-routed packets for it are dropped`,
        hint: `the realserver role adds it; run hafleet deploy --limit ${host}` });
    }
    for (const [key, { value, accept }] of Object.entries(want)) {
      const live = h.sysctls[key];
      // The kernel uses the larger of `all` and the interface's value; `all` at the wanted value is enough.
      if (live !== undefined && accept.includes(live)) continue;
      out.push({ kind: 'arp-sysctl', ok: false, severity: 'error', cluster: cluster.name, host,
        message: `${key} is ${live ?? 'unknown'} on ${host} (live), expected ${value}: ${host} may answer ARP for the VIP`,
        hint: `sysctl -w ${key}=${value} on ${host}; the sysctl file exists but was it applied (sysctl --system)?` });
    }
  }
  return out;
}
