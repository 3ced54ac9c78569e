import { error, type Diagnostic } from '../diagnostics/index.js';
import type { Inventory } from '../inventory/types.js';
import { derivedPriority } from './defaults.js';
import { hostInt, int, list, obj, str, type Obj } from './read.js';
import type { Vip, VrrpEngine, VrrpInstance, VrrpMember } from './types.js';
import { parseVip } from './vips.js';
import { whereAt, type KeyPath } from './where.js';

/** What every instance of a cluster shares. */
export interface InstanceContext {
  inv: Inventory;
  cluster: string;
  /** Host through which positions are asked, and the cluster's key path. */
  host: string;
  path: KeyPath;
  directors: string[];
  interface?: string;
  engine: VrrpEngine;
  vrrp: Pick<VrrpInstance, 'version' | 'advertInt' | 'authPass' | 'preempt' | 'preemptDelaySec' | 'unicast' | 'garpMasterDelaySec' | 'garpMasterRepeat' | 'garpMasterRefreshSec' | 'smtpAlert'>;
  trackScripts: string[];
}

/** The short form (`vrid` + `vips`) or the `instances:` list → VRRP instances. */
export function buildInstances(c: InstanceContext, raw: Obj, diags: Diagnostic[]): VrrpInstance[] {
  const instances = list(raw.instances);
  const short = raw.vrid !== undefined || raw.vips !== undefined;
  if (instances && short) {
    diags.push(error('instance-form', 'both vrid/vips and instances are set', whereAt(c.inv, c.host, [...c.path, 'instances']),
      'use the short form for one instance, or list every instance under instances'));
    return [];
  }
  if (instances) return instances.flatMap((item, i) => one(c, obj(item), [...c.path, 'instances', i], diags, true) ?? []);
  if (!short) {
    diags.push(error('instance-form', 'no VRRP instance: neither vrid/vips nor instances is set', whereAt(c.inv, c.host, c.path),
      'add vrid: 51 and vips: [198.18.0.100/24]'));
    return [];
  }
  const inst = one(c, raw, c.path, diags);
  return inst ? [inst] : [];
}

function one(c: InstanceContext, raw: Obj, path: KeyPath, diags: Diagnostic[], listed = false): VrrpInstance | undefined {
  const vrid = int(raw.vrid);
  if (vrid === undefined) return undefined; // missing or wrong type: reported by the key walk
  const name = (listed ? str(raw.name) : undefined) ?? `${c.cluster}_${vrid}`;
  const master = str(raw.master);
  if (master !== undefined && !c.directors.includes(master)) {
    diags.push(error('master-not-director', `${master} is not a director of cluster ${c.cluster}`, whereAt(c.inv, c.host, [...path, 'master']),
      `name one of: ${c.directors.join(', ') || '(no directors)'}`));
  }
  for (const host of Object.keys(obj(raw.priorities))) {
    if (c.directors.includes(host)) continue;
    diags.push(error('priority-not-director', `${host} has a priority but is not a director of cluster ${c.cluster}`, whereAt(c.inv, c.host, [...path, 'priorities', host]),
      `name one of: ${c.directors.join(', ') || '(no directors)'}`));
  }
  const order = master && c.directors.includes(master) ? [master, ...c.directors.filter((d) => d !== master)] : c.directors;
  const members = buildMembers(c, order, obj(raw.priorities));
  const iface = c.interface ?? members[0]?.interface;
  if (iface === undefined) {
    diags.push(error('missing-key', 'missing interface', whereAt(c.inv, c.host, c.path), 'add interface: eth0 to the cluster, or vrrp_interface to each director'));
    return undefined;
  }
  const rawVips = list(raw.vips);
  // With `instances:` the key walk reports a missing vips (required there); the short form is ours.
  if (rawVips === undefined && !listed) {
    diags.push(error('missing-key', 'missing vips', whereAt(c.inv, c.host, path), 'add vips: [198.18.0.100/24] next to vrid'));
    return undefined;
  }
  if (rawVips?.length === 0) {
    diags.push(error('instance-form', `instance ${name} has no VIPs`, whereAt(c.inv, c.host, [...path, 'vips']), 'list at least one VIP, e.g. [198.18.0.100/24]'));
    return undefined;
  }
  const defaultPrefix = members.find((m) => m.prefix !== undefined)?.prefix;
  const vips: Vip[] = [];
  (rawVips ?? []).forEach((v, i) => {
    const vip = parseVip(v, { inv: c.inv, host: c.host, path: [...path, 'vips', i], dev: iface, ...(defaultPrefix !== undefined ? { defaultPrefix } : {}) }, diags);
    if (vip) vips.push(vip);
  });
  return {
    name, cluster: c.cluster, vrid, ...c.vrrp, interface: iface, vips, members,
    trackScripts: c.trackScripts, where: whereAt(c.inv, c.host, path), source: { host: c.host, path },
  };
}

function buildMembers(c: InstanceContext, order: string[], priorities: Obj): VrrpMember[] {
  const members = order.map((host, position): VrrpMember => {
    const vars = c.inv.hosts.get(host)!.vars;
    const address = str(vars.unicast_src_ip) ?? str(vars.ansible_host) ?? host;
    const prefix = hostInt(vars.vrrp_prefix);
    const state = str(vars.vrrp_state);
    const engine = str(vars.vrrp_engine);
    return {
      host,
      priority: int(priorities[host]) ?? hostInt(vars.vrrp_priority) ?? derivedPriority(position),
      initialState: 'BACKUP',
      interface: str(vars.vrrp_interface) ?? c.interface ?? '',
      address,
      unicastPeers: [],
      engine: engine === 'agent' || engine === 'keepalived' ? engine : c.engine,
      ...(prefix !== undefined ? { prefix } : {}),
      ...(state === 'MASTER' || state === 'BACKUP' ? { stateExplicit: true } : {}),
    };
  });
  // keepalived honours nopreempt and preempt_delay only in state BACKUP: then everyone starts BACKUP.
  if (c.vrrp.preempt && c.vrrp.preemptDelaySec === 0) {
    const top = members.reduce<VrrpMember | undefined>((best, m) => (!best || m.priority > best.priority ? m : best), undefined);
    if (top) top.initialState = 'MASTER';
  }
  // An explicit vrrp_state wins (lint's nopreempt-state says when keepalived would ignore it).
  for (const m of members) {
    const state = str(c.inv.hosts.get(m.host)!.vars.vrrp_state);
    if (state === 'MASTER' || state === 'BACKUP') m.initialState = state;
  }
  if (c.vrrp.unicast) {
    for (const m of members) {
      m.unicastSrcIp = m.address;
      m.unicastPeers = members.filter((o) => o !== m).map((o) => o.address);
    }
  }
  return members;
}
