import type { StatusSnapshot, VrrpState } from './types.js';

/**
 * The fleet as hafleet sees it, in the Prometheus text exposition format 0.0.4: rendered from
 * one snapshot (no SSH per scrape), so every scrape between two rounds gets the same body (its
 * age is `time() - hafleet_status_snapshot_timestamp_seconds` in PromQL).
 * Names follow Prometheus' conventions (base units, `_seconds`, `_total` for counters); the
 * per-instance state uses keepalived-exporter's encoding (one number per state) beside an enum
 * series, so its dashboards' thresholds read the same.
 */

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** What the server adds about itself: how fresh the figures are and how it is used. */
export interface ServeFigures {
  /** Time between the last two snapshots (a gatherer round), seconds. */
  roundSeconds?: number;
  snapshots: number;
  pageClients: number;
}

type Labels = Record<string, string>;

/** Label values: backslash, double quote and line feed escaped (format 0.0.4). */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text: backslash and line feed escaped. */
function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

// keepalived's own numbers (vrrp.h VRRP_STATE_*: INIT 0, BACKUP 1, MASTER 2, FAULT 3, STOP 98),
// which keepalived-exporter (mehdy/keepalived-exporter) passes through as keepalived_vrrp_state.
const STATE_NUMBER: Record<VrrpState, number> = { INIT: 0, BACKUP: 1, MASTER: 2, FAULT: 3, STOP: 98, UNKNOWN: -1 };
const STATES: VrrpState[] = ['INIT', 'BACKUP', 'MASTER', 'FAULT', 'STOP', 'UNKNOWN'];

class Exposition {
  private readonly families: { name: string; help: string; type: 'gauge' | 'counter'; lines: string[] }[] = [];
  private current?: (typeof this.families)[number];

  family(name: string, type: 'gauge' | 'counter', help: string): this {
    this.current = { name, help, type, lines: [] };
    this.families.push(this.current);
    return this;
  }

  sample(labels: Labels, value: number): this {
    const ls = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',');
    this.current!.lines.push(`${this.current!.name}${ls ? `{${ls}}` : ''} ${formatValue(value)}`);
    return this;
  }

  text(): string {
    // Families without samples still say what they are: a dashboard can tell "none" from "not exported".
    return this.families.map((f) => [`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`, ...f.lines].join('\n')).join('\n') + '\n';
  }
}

/** The whole exposition for one snapshot. Pure. */
export function metricsText(s: StatusSnapshot | undefined, figures: ServeFigures): string {
  const e = new Exposition();
  e.family('hafleet_status_up', 'gauge', 'Whether a complete snapshot of the fleet is available (0 until the first round ends).')
    .sample({}, s ? 1 : 0);
  if (s) {
    const at = Date.parse(s.at) / 1000;
    e.family('hafleet_status_snapshot_timestamp_seconds', 'gauge', 'When the snapshot these figures come from was complete (Unix time).').sample({}, at);
  }
  e.family('hafleet_status_round_duration_seconds', 'gauge', 'Time between the last two snapshots: one gathering round over SSH.');
  if (figures.roundSeconds !== undefined) e.sample({}, figures.roundSeconds);
  e.family('hafleet_status_snapshots_total', 'counter', 'Snapshots received since status --serve started.').sample({}, figures.snapshots);
  e.family('hafleet_status_page_clients', 'gauge', 'Browsers connected to the live page (/events).').sample({}, figures.pageClients);
  if (!s) return e.text();

  e.family('hafleet_vip_holder', 'gauge', '1 on the series of the director that holds the VIP, 0 on the other members of its instance.');
  for (const v of s.vips) {
    const inst = s.clusters.find((c) => c.name === v.cluster)?.instances.find((i) => i.instance === v.instance);
    const hosts = [...new Set([...(inst?.members.map((m) => m.host) ?? []), ...v.holders])];
    for (const h of hosts) e.sample({ cluster: v.cluster, instance: v.instance, vip: v.vip, host: h }, v.holders.includes(h) ? 1 : 0);
  }
  e.family('hafleet_vip_holders', 'gauge', 'How many directors hold the VIP (1 is healthy, 0 nobody, 2 or more split brain).');
  for (const v of s.vips) e.sample({ cluster: v.cluster, instance: v.instance, vip: v.vip }, v.holders.length);
  e.family('hafleet_vip_on_expected_holder', 'gauge', '1 when the VIP is held by exactly the director the inventory expects when all are healthy.');
  for (const v of s.vips) if (v.expectedHolder !== undefined) e.sample({ cluster: v.cluster, instance: v.instance, vip: v.vip }, v.holders.length === 1 && v.holder === v.expectedHolder ? 1 : 0);
  e.family('hafleet_vip_probe_success', 'gauge', 'Whether the last request through the VIP from the admin box answered.');
  for (const v of s.vips) if (v.probe) e.sample({ cluster: v.cluster, instance: v.instance, vip: v.vip }, v.probe.ok ? 1 : 0);
  e.family('hafleet_vip_probe_duration_seconds', 'gauge', 'Latency of the last request through the VIP.');
  for (const v of s.vips) if (v.probe?.ms !== undefined) e.sample({ cluster: v.cluster, instance: v.instance, vip: v.vip }, v.probe.ms / 1000);

  e.family('hafleet_split_brain', 'gauge', '1 when a VIP of the cluster is held by two or more directors.');
  for (const c of s.clusters) e.sample({ cluster: c.name }, c.splitBrain ? 1 : 0);
  e.family('hafleet_cluster_members', 'gauge', 'Directors in the cluster.');
  for (const c of s.clusters) e.sample({ cluster: c.name }, c.members);
  e.family('hafleet_cluster_members_up', 'gauge', 'Directors of the cluster whose host answered.');
  for (const c of s.clusters) e.sample({ cluster: c.name }, c.membersUp);

  const members = s.clusters.flatMap((c) => c.instances.flatMap((i) => i.members.map((m) => ({ c, i, m, l: { cluster: c.name, instance: i.instance, host: m.host } }))));
  e.family('hafleet_member_up', 'gauge', 'Whether the member\'s host could be read.');
  for (const { m, l } of members) e.sample(l, m.reachable ? 1 : 0);
  e.family('hafleet_vrrp_state', 'gauge', 'VRRP state of the member in keepalived\'s numbers (as keepalived_vrrp_state): 0 INIT, 1 BACKUP, 2 MASTER, 3 FAULT, 98 STOP; -1 unknown (host not read).');
  for (const { i, m, l } of members) e.sample({ ...l, vrid: String(i.vrid) }, STATE_NUMBER[m.state]);
  e.family('hafleet_member_state', 'gauge', '1 on the member\'s current VRRP state, 0 on the others.');
  for (const { m, l } of members) for (const st of STATES) e.sample({ ...l, state: st }, m.state === st ? 1 : 0);
  e.family('hafleet_member_priority', 'gauge', 'Configured VRRP priority of the member.');
  for (const { m, l } of members) if (m.basePriority !== undefined) e.sample(l, m.basePriority);
  e.family('hafleet_member_effective_priority', 'gauge', 'Priority the member advertises now (base plus track weights).');
  for (const { m, l } of members) if (m.effectivePriority !== undefined) e.sample(l, m.effectivePriority);
  e.family('hafleet_member_maintenance', 'gauge', '1 when the member\'s host is in maintenance.');
  for (const { m, l } of members) e.sample(l, m.maintenance ? 1 : 0);
  e.family('hafleet_track_ok', 'gauge', 'Whether a track script, interface or file of the member passes.');
  for (const { m, l } of members) for (const t of m.tracks) e.sample({ ...l, kind: t.kind, name: t.name }, t.ok ? 1 : 0);
  e.family('hafleet_track_file_value', 'gauge', 'A track file\'s number as the member\'s speaker last read it (hafleet\'s switchover and maintenance files among them).');
  for (const { m, l } of members) for (const t of m.tracks) if (t.kind === 'file' && t.value !== undefined) e.sample({ ...l, name: t.name }, t.value);
  e.family('hafleet_member_last_transition_timestamp_seconds', 'gauge', 'When the member last changed VRRP state, as its speaker logged it (Unix time).');
  for (const { m, l } of members) {
    const t = m.lastTransition ? Date.parse(m.lastTransition.at) : NaN;
    if (Number.isFinite(t)) e.sample(l, t / 1000);
  }

  e.family('hafleet_host_unreachable', 'gauge', 'Hosts that could not be read in the last round (1 per host), with why: unreachable, refused (host key changed), auth, failed.');
  for (const u of s.unreachable) e.sample({ host: u.host, failure: u.failure ?? 'unreachable' }, 1);
  e.family('hafleet_drift_files', 'gauge', 'Files that differ from the last deploy\'s record on the host.');
  for (const d of s.drift) e.sample({ host: d.host }, d.paths.length);
  e.family('hafleet_last_deploy_timestamp_seconds', 'gauge', 'When the newest deploy recorded on the hosts ended (Unix time).');
  const deployAt = s.lastDeploy ? Date.parse(s.lastDeploy.at) : NaN;
  if (Number.isFinite(deployAt)) e.sample({}, deployAt / 1000);
  e.family('hafleet_last_deploy_success', 'gauge', 'Whether that deploy succeeded.');
  if (s.lastDeploy) e.sample({}, s.lastDeploy.ok ? 1 : 0);
  return e.text();
}
