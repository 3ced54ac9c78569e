/**
 * The agent's Prometheus metrics, in the text exposition format (version 0.0.4), under the names
 * and labels of mehdy/keepalived-exporter (the most used keepalived exporter: its
 * internal/collector/collector.go), so dashboards and alerts written for keepalived work on an
 * agent director unchanged. What keepalived's exporter has no name for is `hafleet_agent_*`.
 * docs/agent-metrics.md is the mapping. Pure: an AgentStatus (+ the addresses the host holds)
 * in, text out. No secret is in an AgentStatus, so none can reach a label.
 */
import type { MachineDropReason, VrrpState } from './machine.js';
import type { AgentStatus, InstanceStatus } from './status.js';

/** keepalived's state numbers (vrrp.h VRRP_STATE_*), as the exporter reports them. */
export const KEEPALIVED_STATE: Record<VrrpState, number> = { INIT: 0, BACKUP: 1, MASTER: 2, FAULT: 3 };

/** The exporter's per-instance counters and the agent's drop reasons each one sums. */
export const EXPORTER_COUNTERS: readonly { name: string; help: string; from: (i: InstanceStatus) => number }[] = [
  { name: 'keepalived_advertisements_received_total', help: 'Advertisements received', from: (i) => i.counters.advertsReceived },
  { name: 'keepalived_advertisements_sent_total', help: 'Advertisements sent', from: (i) => i.counters.advertsSent },
  { name: 'keepalived_become_master_total', help: 'Became master', from: (i) => i.counters.becameMaster },
  { name: 'keepalived_release_master_total', help: 'Released master', from: (i) => i.counters.releasedMaster },
  { name: 'keepalived_packet_length_errors_total', help: 'Packet length errors', from: (i) => drops(i, 'truncated', 'bad-ip-header', 'bad-addr-count') },
  { name: 'keepalived_advertisements_interval_errors_total', help: 'Advertisement interval errors', from: (i) => drops(i, 'advert-interval-mismatch', 'bad-interval') },
  { name: 'keepalived_ip_ttl_errors_total', help: 'TTL errors', from: (i) => drops(i, 'bad-ttl') },
  { name: 'keepalived_invalid_type_received_total', help: 'Invalid type errors', from: (i) => drops(i, 'bad-type') },
  { name: 'keepalived_address_list_errors_total', help: 'Address list errors', from: (i) => drops(i, 'addr-list-mismatch') },
  // The agent does not tell an unknown auth type from a different one from a wrong password:
  // every authentication drop counts as a failure; the other two stay 0 (docs/agent-metrics.md).
  { name: 'keepalived_authentication_invalid_total', help: 'Authentication invalid', from: () => 0 },
  { name: 'keepalived_authentication_mismatch_total', help: 'Authentication mismatch', from: () => 0 },
  { name: 'keepalived_authentication_failure_total', help: 'Authentication failure', from: (i) => drops(i, 'auth-mismatch') },
  { name: 'keepalived_priority_zero_received_total', help: 'Priority zero received', from: (i) => i.counters.priorityZeroReceived },
  { name: 'keepalived_priority_zero_sent_total', help: 'Priority zero sent', from: (i) => i.counters.priorityZeroSent },
];

function drops(i: InstanceStatus, ...reasons: MachineDropReason[]): number {
  return reasons.reduce((n, r) => n + (i.counters.drops[r] ?? 0), 0);
}

/** A label value as the format wants it: backslash, double quote and newline escaped. */
export function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

type Labels = Record<string, string | number>;
const fmt = (l: Labels) => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${labelValue(String(v))}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
};

class Families {
  private readonly out: string[] = [];
  family(name: string, type: 'gauge' | 'counter', help: string, samples: readonly [Labels, number][]): void {
    this.out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [l, v] of samples) this.out.push(`${name}${fmt(l)} ${Number.isFinite(v) ? v : 'NaN'}`);
  }
  text(): string {
    return this.out.join('\n') + '\n';
  }
}

const common = (i: InstanceStatus): Labels => ({ iname: i.name, intf: i.interface, vrid: i.vrid });

/**
 * The metrics of one agent. `held`: the addresses on the host now (canonical), for VIP presence;
 * `excluded`: per instance, its virtual_ipaddress_excluded addresses (the exporter's own family).
 */
export function renderMetrics(s: AgentStatus, o: { held: ReadonlySet<string>; excluded?: ReadonlyMap<string, readonly string[]> }): string {
  const f = new Families();
  const excl = (i: InstanceStatus) => new Set(o.excluded?.get(i.name) ?? []);
  f.family('keepalived_up', 'gauge', 'Status', [[{}, 1]]);
  f.family('keepalived_vrrp_state', 'gauge', 'State of vrrp', s.instances.flatMap((i) => {
    const vips = i.vips.filter((v) => !excl(i).has(v));
    // As the exporter: one series per VIP, or one with ip_address="" when the instance has none.
    return (vips.length > 0 ? vips : ['']).map((v): [Labels, number] => [{ ...common(i), ip_address: v }, KEEPALIVED_STATE[i.state]]);
  }));
  f.family('keepalived_vrrp_excluded_state', 'gauge', 'State of vrrp with excluded VIP', s.instances.flatMap((i) => [...excl(i)].map((v): [Labels, number] => [{ ...common(i), ip_address: v }, KEEPALIVED_STATE[i.state]])));
  for (const c of EXPORTER_COUNTERS) f.family(c.name, 'counter', c.help, s.instances.map((i) => [common(i), c.from(i)]));
  f.family('keepalived_script_status', 'gauge', 'Tracker Script Status', s.scripts.map((x) => [{ name: x.name }, x.ok ? 1 : 0]));

  f.family('hafleet_agent_vrrp_priority', 'gauge', 'Effective priority: the configured one plus tracking weights (what the adverts carry)', s.instances.map((i) => [common(i), i.priority]));
  f.family('hafleet_agent_vrrp_base_priority', 'gauge', 'Configured priority', s.instances.map((i) => [common(i), i.basePriority]));
  f.family('hafleet_agent_vrrp_master_priority', 'gauge', 'Priority of the current master as last seen (ours when master); absent when unknown', s.instances.filter((i) => i.masterPriority !== null).map((i) => [common(i), i.masterPriority!]));
  f.family('hafleet_agent_vrrp_faults', 'gauge', 'Fault causes holding the instance in FAULT (tracked interfaces, scripts, files, sync group)', s.instances.map((i) => [common(i), i.faults.length]));
  f.family('hafleet_agent_vip_present', 'gauge', '1 when this host holds the VIP now', s.instances.flatMap((i) => i.vips.map((v): [Labels, number] => [{ ...common(i), ip_address: v }, o.held.has(v) ? 1 : 0])));
  f.family('hafleet_agent_lower_priority_ignored_total', 'counter', 'Lower-priority adverts a preempting backup ignored', s.instances.map((i) => [common(i), i.counters.lowerPriorityIgnored]));
  f.family('hafleet_agent_drops_total', 'counter', 'Adverts dropped, by the agent\'s reason (every reason it counts)', s.instances.flatMap((i) =>
    Object.entries(i.counters.drops).filter(([, n]) => n !== undefined).map(([reason, n]): [Labels, number] => [{ ...common(i), reason }, n!])));
  f.family('hafleet_agent_socket_drops_total', 'counter', 'Packets no instance took: another VRID, or not decodable', [[{ reason: 'other-vrid' }, s.socketDrops.otherVrid], [{ reason: 'undecodable' }, s.socketDrops.undecodable]]);
  f.family('hafleet_agent_track_process_up', 'gauge', 'vrrp_track_process in quorum (1) or not (0)', s.processes.map((p) => [{ name: p.name }, p.ok ? 1 : 0]));
  f.family('hafleet_agent_track_file_value', 'gauge', 'track_file: the value last read', s.files.map((x) => [{ name: x.name }, x.value]));
  if (s.memoryKb) f.family('hafleet_agent_resident_memory_bytes', 'gauge', 'Resident set size of the agent', [[{}, s.memoryKb.rss * 1024]]);
  return f.text();
}
