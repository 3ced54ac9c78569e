import { authLogSources } from './speaker-logs.js';
import type { Cluster, Vip, VrrpInstance, VrrpMember } from '../topology/types.js';
import type { AddressFact } from '../facts/types.js';
import { holds } from '../host-addresses/index.js';
import type { Finding, HostObservation, Observations, SpeakerInstance } from './types.js';

type Reachable = Extract<HostObservation, { reachable: true }>;

export interface Holding {
  host: string;
  address: AddressFact;
  /** The host's VRRP speaker (keepalived or agent) is running. */
  speakerAlive: boolean;
  speaker?: SpeakerInstance;
}

export function reachable(obs: Observations, host: string): Reachable | null {
  const h = obs.hosts[host];
  return h && h.reachable ? h : null;
}

export function speakerAlive(h: Reachable, m: VrrpMember): boolean {
  return m.engine === 'agent' ? Boolean(h.running['hafleet-agent']) : Boolean(h.running.keepalived);
}

export function speakerInstance(h: Reachable, inst: VrrpInstance): SpeakerInstance | undefined {
  return h.speaker?.instances.find((i) => i.name === inst.name) ?? h.speaker?.instances.find((i) => i.vrid === inst.vrid);
}

/** Every member that has the VIP on any interface, dead speakers included. */
export function holdings(obs: Observations, inst: VrrpInstance, vip: Vip): Holding[] {
  const out: Holding[] = [];
  for (const m of inst.members) {
    const h = reachable(obs, m.host);
    const a = h?.addresses.find((x) => holds(x, vip.address));
    if (!h || !a) continue;
    const sp = speakerInstance(h, inst);
    out.push({ host: m.host, address: a, speakerAlive: speakerAlive(h, m), ...(sp ? { speaker: sp } : {}) });
  }
  return out;
}

function authTrouble(obs: Observations, inst: VrrpInstance, host: string): string | null {
  const h = reachable(obs, host);
  if (!h) return null;
  const failures = speakerInstance(h, inst)?.authFailures ?? 0;
  if (h.authLogLines.length) {
    // The agent names the sender (src=); say which director that is, as an operator would ask next.
    const from = authLogSources(h.authLogLines).map((ip) => {
      const peer = inst.members.find((m) => m.address === ip || m.unicastSrcIp === ip)?.host;
      return peer ? `${peer} (${ip})` : ip;
    });
    const head = from.length ? `${host} logs authentication mismatch from ${from.join(', ')}: ` : `${host} logs `;
    return `${head}"${h.authLogLines[h.authLogLines.length - 1]}"`;
  }
  return failures > 0 ? `${host} dropped ${failures} advert(s) for wrong authentication` : null;
}

/** Placement of one VIP: exactly one live holder, on the right interface, with the right prefix. */
export function vipFindings(cluster: Cluster, inst: VrrpInstance, vip: Vip, obs: Observations): Finding[] {
  const at = { cluster: cluster.name, instance: inst.name, vip: vip.address };
  const all = holdings(obs, inst, vip);
  const live = all.filter((h) => h.speakerAlive);
  const out: Finding[] = [];
  for (const m of inst.members) {
    const held = reachable(obs, m.host)?.addresses.filter((a) => holds(a, vip.address)) ?? [];
    if (held.length < 2) continue;
    const extra = held.filter((a) => a.dev !== vip.dev);
    out.push({ kind: 'duplicate-vip', ok: false, severity: 'error', ...at, host: m.host, holders: [m.host],
      message: `${m.host} holds ${vip.address} ${held.length} times (${held.map((a) => a.dev).join(', ')})`,
      hint: `keep it on ${vip.dev} only: on ${m.host} ${extra.map((a) => `ip addr del ${vip.address}/${a.prefix} dev ${a.dev}`).join('; ') || 'remove the extra address'}` });
  }
  for (const s of all.filter((h) => !h.speakerAlive)) {
    out.push({
      kind: 'stale-vip', ok: false, severity: 'error', ...at, host: s.host, holders: all.map((h) => h.host),
      message: `${vip.address} is still on ${s.host} ${s.address.dev} but its VRRP speaker is not running (keepalived killed with -9 leaves the address behind): ${all.length > 1 ? 'two hosts answer for it' : 'nobody will move it'}`,
      hint: `on ${s.host}: ip addr del ${vip.address}/${s.address.prefix} dev ${s.address.dev}, then start keepalived`,
    });
  }
  const names = live.map((h) => h.host);
  if (live.length >= 2) {
    const trouble = live.map((h) => authTrouble(obs, inst, h.host)).filter((t): t is string => t !== null);
    const allMaster = live.every((h) => h.speaker?.state === 'MASTER');
    if (trouble.length && allMaster) {
      out.push({
        kind: 'auth-mismatch', ok: false, severity: 'error', ...at, holders: names, state: 'MASTER',
        message: `split brain from an authentication mismatch: ${names.join(' and ')} are ${names.length === 2 ? 'both' : 'all'} MASTER for ${inst.name}; ${trouble.join('; ')}`,
        hint: `auth_pass differs between the directors of ${inst.name}: compare the authentication block of keepalived.conf on ${names.join(', ')} and redeploy`,
      });
    } else {
      out.push({
        kind: 'split-brain', ok: false, severity: 'error', ...at, holders: names,
        message: `split brain: ${vip.address} is held by ${names.join(' and ')} (states: ${live.map((h) => `${h.host} ${h.speaker?.state ?? '?'}`).join(', ')})`,
        hint: `VRRP adverts for VRID ${inst.vrid} are not getting through between ${names.join(' and ')} (firewall, multicast, interface ${inst.interface}), or the address was added by hand`,
      });
    }
    return out;
  }
  if (live.length === 0) {
    // A member left out by --limit may hold it: no verdict without every member observed.
    if (all.length === 0 && inst.members.every((m) => obs.hosts[m.host])) {
      const states = inst.members.map((m) => {
        const h = reachable(obs, m.host);
        if (!h) return `${m.host} unreachable`;
        if (!speakerAlive(h, m)) return `${m.host} ${m.engine} not running`;
        return `${m.host} ${speakerInstance(h, inst)?.state ?? 'state unknown'}`;
      });
      out.push({
        kind: 'orphan', ok: false, severity: 'error', ...at, holders: [],
        message: `orphan: no director holds ${vip.address} (${states.join(', ')})`,
        hint: `look at the keepalived log on ${inst.members.map((m) => m.host).join(', ')}: a FAULT state means a failing track script or interface`,
      });
    }
    return out;
  }
  const h = live[0]!;
  const where = { ...at, host: h.host, holders: names, ...(h.speaker ? { state: h.speaker.state } : {}) };
  if (h.address.dev !== vip.dev) {
    out.push({ kind: 'wrong-interface', ok: false, severity: 'error', ...where,
      message: `${vip.address} is on ${h.host} ${h.address.dev}, expected ${vip.dev}`,
      hint: `the virtual_ipaddress line of ${inst.name} on ${h.host} names another dev, or it was added by hand` });
  }
  if (h.address.prefix !== vip.prefix) {
    out.push({ kind: 'wrong-prefix', ok: false, severity: 'error', ...where,
      message: `${vip.address} is /${h.address.prefix} on ${h.host}, expected /${vip.prefix}`,
      hint: `a wrong prefix changes which addresses the director thinks are on-link; check virtual_ipaddress of ${inst.name}` });
  }
  if (out.length === 0) {
    out.push({ kind: 'vip-ok', ok: true, severity: 'ok', ...where,
      message: `${vip.address}/${vip.prefix} on ${h.host} ${h.address.dev}${h.speaker ? ` (${h.speaker.state})` : ''}` });
  }
  return out;
}

/** A director whose own VRRP state and addresses disagree (MASTER without the VIPs, or the reverse). */
export function stateFindings(cluster: Cluster, inst: VrrpInstance, obs: Observations): Finding[] {
  const out: Finding[] = [];
  for (const m of inst.members) {
    const h = reachable(obs, m.host);
    if (!h || !speakerAlive(h, m)) continue;
    const sp = speakerInstance(h, inst);
    if (!sp || sp.state === 'UNKNOWN') continue;
    const held = inst.vips.filter((v) => h.addresses.some((a) => a.address === v.address && a.dev !== 'lo'));
    const master = sp.state === 'MASTER';
    const disagree = master ? held.length < inst.vips.length : held.length > 0;
    if (!disagree) {
      if (!master && sp.authFailures > 0) {
        out.push({ kind: 'auth-mismatch', ok: false, severity: 'warning', cluster: cluster.name, instance: inst.name, host: m.host,
          message: `${m.host} (${sp.state}) dropped ${sp.authFailures} advert(s) of ${inst.name} for wrong authentication`,
          hint: `compare auth_pass of ${inst.name} across its directors` });
      }
      continue;
    }
    out.push({
      kind: 'state-address-disagree', ok: false, severity: 'error', cluster: cluster.name, instance: inst.name, host: m.host, state: sp.state,
      message: master
        ? `${m.host} says MASTER for ${inst.name} but lacks ${inst.vips.filter((v) => !held.includes(v)).map((v) => v.address).join(', ')}`
        : `${m.host} says ${sp.state} for ${inst.name} but holds ${held.map((v) => v.address).join(', ')}`,
      hint: master ? `someone removed the address by hand; restart keepalived on ${m.host} to re-add it` : `remove the address on ${m.host} (ip addr del) or restart keepalived there`,
    });
  }
  return out;
}
