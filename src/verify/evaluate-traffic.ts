import type { Cluster, Vip, VrrpInstance } from '../topology/types.js';
import type { Finding, Observations } from './types.js';
import { holdings, reachable } from './evaluate-vips.js';
import { spreadText } from './spread.js';

/** Which host owns a MAC, from every reachable host's interfaces. */
function macOwners(obs: Observations): Map<string, string> {
  const m = new Map<string, string>();
  for (const h of Object.values(obs.hosts)) if (h.reachable) for (const mac of Object.values(h.macs)) m.set(mac, h.host);
  return m;
}

/** An ARP request for the VIP from the admin box is answered by the holder's MAC alone. */
export function arpFindings(cluster: Cluster, inst: VrrpInstance, vip: Vip, obs: Observations): Finding[] {
  const at = { cluster: cluster.name, instance: inst.name, vip: vip.address };
  const a = obs.arp.find((x) => x.vip === vip.address);
  if (!a || inst.members.some((m) => !obs.hosts[m.host])) return [];
  const v6 = vip.address.includes(':');
  const ARP = v6 ? 'neighbour solicitation' : 'ARP';
  if (a.error) return [{ kind: 'arp-wrong-holder', ok: false, severity: 'warning', ...at, message: `${ARP} probe for ${vip.address} could not run: ${a.error}`, hint: `is ${v6 ? 'ndisc6' : 'arping'} installed on the admin box, and is it on the VIP subnet?` }];
  const owners = macOwners(obs);
  const who = a.macs.map((mac) => owners.get(mac) ?? mac);
  const live = holdings(obs, inst, vip).filter((h) => h.speakerAlive);
  const holderMac = live.length === 1 ? reachable(obs, live[0]!.host)?.macs[live[0]!.address.dev] : undefined;
  const realservers = who.filter((h) => cluster.realservers.includes(h));
  if (realservers.length) {
    return [{ kind: 'arp-answered-by-realserver', ok: false, severity: 'error', ...at, holders: who,
      message: `${ARP} for ${vip.address} answered by realserver ${realservers.join(', ')} (${who.join(', ')}): it would steal the VIP's traffic`,
      hint: `ARP suppression is off on ${realservers.join(', ')}: arp_ignore=1, arp_announce=2 must be live` }];
  }
  if (holderMac && a.macs.length === 1 && a.macs[0] === holderMac) {
    return [{ kind: 'arp-ok', ok: true, severity: 'ok', ...at, holders: who, message: `${ARP} for ${vip.address} answered by ${who[0]} alone` }];
  }
  const expected = live.length === 1 ? `${live[0]!.host} (${holderMac ?? 'MAC unknown'})` : 'one holder';
  return [{ kind: 'arp-wrong-holder', ok: false, severity: 'error', ...at, holders: who,
    message: a.macs.length === 0 ? `no answer to ${ARP} for ${vip.address} from ${a.iface ?? 'the admin box'}` : `${ARP} for ${vip.address} answered by ${who.join(', ')}, expected ${expected}`,
    hint: `neighbours may still point at the old holder: check ${v6 ? 'unsolicited neighbour advertisements' : 'gratuitous ARP'} (garp_master_*) and where the VIP is` }];
}

function spread(d: Record<string, number>): string {
  return spreadText(d);
}

function inMaintenance(obs: Observations, host: string): boolean {
  const h = obs.hosts[host];
  return Boolean(h && h.reachable && h.maintenance);
}

/** HTTP through each VIP reaches every healthy realserver; with none healthy, the error page answers. */
export function trafficFindings(cluster: Cluster, obs: Observations): Finding[] {
  const out: Finding[] = [];
  for (const svc of cluster.services) {
    // ADDRESS:PORT, with an IPv6 address in brackets (RFC 3986) so the port stays readable.
    const at = { cluster: cluster.name, vip: `${svc.vip.includes(':') ? `[${svc.vip}]` : svc.vip}:${svc.port}` };
    const h = obs.http.find((x) => x.vip === svc.vip && x.port === svc.port);
    if (!h) continue;
    // A realserver in maintenance is drained on purpose: it gets no traffic and is not missed.
    const healthy = svc.realServers.filter((rs) => {
      if (inMaintenance(obs, rs.host)) return false;
      const b = obs.backends.find((x) => x.host === rs.host);
      return b && b.status === svc.healthCheck.status;
    });
    const primaries = healthy.filter((rs) => !rs.backup);
    const first = h.firstError ? ` (first: ${h.firstError})` : '';
    if (healthy.length === 0) {
      const fives = Object.entries(h.statuses).filter(([s]) => s.startsWith('5')).reduce((n, [, c]) => n + c, 0);
      const ok = h.failed === 0 && fives === h.sent && h.sent > 0;
      out.push({ kind: 'error-page', ok, severity: ok ? 'ok' : 'error', ...at, distribution: h.servedBy,
        message: ok ? `every realserver is down; the error page answers (${Object.keys(h.statuses).join(', ')})`
          : `every realserver is down and ${svc.vip}:${svc.port} does not answer with the error page: ${h.failed} of ${h.sent} failed${first}`,
        ...(ok ? {} : { hint: 'nginx error_page for 502/503/504 on the directors' }) });
      continue;
    }
    const missing = (primaries.length ? primaries : healthy).filter((rs) => !h.servedBy[rs.host]);
    const problems: string[] = [];
    if (h.failed) problems.push(`${h.failed} of ${h.sent} requests failed${first}`);
    if (missing.length) problems.push(`healthy ${missing.map((r) => r.host).join(', ')} got none of ${h.sent}`);
    const non2xx = Object.entries(h.statuses).filter(([s]) => !s.startsWith('2')).reduce((n, [, c]) => n + c, 0);
    if (non2xx) problems.push(`${non2xx} answers were not 2xx (${Object.keys(h.statuses).join(', ')})`);
    out.push({ kind: 'traffic', ok: problems.length === 0, severity: problems.length ? 'error' : 'ok', ...at, distribution: h.servedBy,
      message: problems.length ? `${svc.vip}:${svc.port}: ${problems.join('; ')} (spread: ${spread(h.servedBy)})` : `${h.sent} requests through ${svc.vip}:${svc.port}: ${spread(h.servedBy)}`,
      ...(problems.length ? { hint: missing.length ? 'is the realserver in the upstream / LVS table of the holder, and does its health check pass there?' : 'look at the holder\'s nginx error log and the realservers' } : {}) });
  }
  for (const rs of cluster.realservers) {
    const b = obs.backends.find((x) => x.host === rs);
    if (!b || b.status !== null && b.status < 500) continue;
    const drained = inMaintenance(obs, rs);
    out.push({ kind: 'backend-down', ok: false, severity: drained ? 'warning' : 'error', cluster: cluster.name, host: rs,
      message: `realserver ${rs} does not answer ${b.url}: ${b.error ?? `status ${b.status}`}${drained ? ' (in maintenance: drained, no traffic is sent to it)' : ''}`, hint: `is nginx running on ${rs}?` });
  }
  return out;
}
