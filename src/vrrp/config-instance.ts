/** `vrrp_instance NAME { … }` → InstanceConf, reporting every problem with its file:line. */
import type { Stmt } from './conf-tree.js';
import type { Reader } from './conf-values.js';
import type { GlobalDefs, InstanceConf, TrackRef } from './config-types.js';
import { canonicalIp, familyOf, isLinkLocal6, isMulticastGroup, type Family } from './packet.js';
import type { RouteLine } from './io/routes.js';

/** Accepted but without effect in the agent: noted so nobody is surprised. */
const NOTED: Record<string, string> = {
  smtp_alert: 'the agent sends no mail; use a notify script',
  accept: 'the agent never filters traffic to the VIPs',
  no_accept: 'the agent never filters traffic to the VIPs',
  strict_mode: 'strict mode checks are not enforced by the agent',
  lvs_sync_daemon_interface: 'LVS sync daemon is not the agent’s business',
  debug: 'use --log-json for detail',
  garp_lower_prio_delay: 'not implemented by the agent',
  garp_lower_prio_repeat: 'not implemented by the agent',
  notify_master_rx_lower_pri: 'not implemented by the agent',
  skip_check_adv_addr: 'the agent always checks the address list',
  unicast_ttl: 'the agent always sends TTL 255 and, like keepalived, takes any TTL from a listed unicast peer',
  use_vmac_addr: 'the agent always gives a VMAC the virtual router MAC',
};
/** Accepted by keepalived, but ignoring them would change failover: warn. */
const UNSUPPORTED: Record<string, string> = {
  track_bfd: 'use a vrrp_script',
  track_src_ip: 'set unicast_src_ip or mcast_src_ip instead',
  kernel_rx_buf_size: 'no effect on the agent',
};

export function readInstance(stmt: Stmt, g: GlobalDefs, r: Reader): InstanceConf | undefined {
  const name = stmt.args[0]?.text;
  if (!name) {
    r.err(stmt, 'needs a name', 'vrrp_instance VI_1 { … }');
    return undefined;
  }
  const inst: Partial<InstanceConf> & Pick<InstanceConf, 'vips' | 'vipsExcluded' | 'trackScripts' | 'trackInterfaces' | 'trackProcesses' | 'trackFiles' | 'routes' | 'unicastPeers' | 'notify'> = {
    name,
    where: stmt.where,
    initialState: 'BACKUP',
    priority: 100,
    advertIntervalCs: 100,
    version: g.vrrpVersion,
    vips: [],
    vipsExcluded: [],
    trackScripts: [],
    trackInterfaces: [],
    trackProcesses: [],
    trackFiles: [],
    routes: [],
    preempt: true,
    preemptDelaySec: 0,
    unicastPeers: [],
    notify: {},
    garpMasterDelaySec: g.garpMasterDelaySec,
    garpMasterRepeat: g.garpMasterRepeat,
    garpMasterRefreshSec: g.garpMasterRefreshSec,
    garpMasterRefreshRepeat: g.garpMasterRefreshRepeat,
    dontTrackPrimary: false,
  };
  let advertIntStmt: Stmt | undefined;
  let versionStmt: Stmt | undefined;
  let nopreemptStmt: Stmt | undefined;
  let vmacXmitBase = false;
  // keepalived: the first address (VIP, peer, source) or native_ipv6 decides the family; an
  // address of the other family is an error (in virtual_ipaddress_excluded both may mix).
  let family: Family | undefined;
  const sameFamily = (st: Stmt, ip: string | undefined, what: string): string | undefined => {
    if (ip === undefined) return undefined;
    const f = familyOf(ip);
    if (family === undefined) family = f;
    else if (f !== family) {
      r.err(st, `${what} ${ip} is IPv${f} but vrrp_instance ${name} is IPv${family}`, 'one instance speaks one IP version: put the other family in its own vrrp_instance (or in virtual_ipaddress_excluded)');
      return undefined;
    }
    return ip;
  };
  for (const s of stmt.block ?? []) {
    const k = s.keyword;
    switch (k) {
      case 'state': {
        const v = r.word(s)?.toUpperCase();
        if (v === 'MASTER' || v === 'BACKUP') inst.initialState = v;
        else if (v !== undefined) r.err(s, `'${v}' is neither MASTER nor BACKUP`);
        break;
      }
      case 'interface': inst.interface = r.word(s); inst.interfaceWhere = s.where; break;
      case 'virtual_router_id': inst.vrid = r.num(s, 1, 255, { integer: true }); break;
      case 'priority': inst.priority = r.num(s, 1, 255, { integer: true }); break;
      case 'advert_int': {
        const v = r.num(s, 0.01, 255);
        if (v !== undefined) inst.advertIntervalCs = Math.round(v * 100);
        advertIntStmt = s;
        break;
      }
      case 'version': {
        const v = r.num(s, 2, 3, { integer: true });
        if (v !== undefined) inst.version = v as 2 | 3;
        versionStmt = s;
        break;
      }
      case 'native_ipv6':
        if (family === 4) r.err(s, `vrrp_instance ${name} already has IPv4 addresses`, 'native_ipv6 is for an instance whose addresses are IPv6');
        else family = 6;
        break;
      case 'authentication': readAuth(s, inst, r); break;
      case 'virtual_ipaddress':
      case 'virtual_ipaddress_excluded': {
        const list = k === 'virtual_ipaddress' ? inst.vips : inst.vipsExcluded;
        for (const line of s.block ?? []) {
          const v = r.vip(line);
          if (v && (k === 'virtual_ipaddress_excluded' || sameFamily(line, v.address, 'VIP'))) list.push(v);
        }
        break;
      }
      case 'track_script': inst.trackScripts.push(...readTrack(s, r)); break;
      case 'track_interface': inst.trackInterfaces.push(...readTrack(s, r)); break;
      case 'track_process': inst.trackProcesses.push(...readTrack(s, r)); break;
      case 'track_file': inst.trackFiles.push(...readTrack(s, r)); break;
      case 'nopreempt': inst.preempt = false; nopreemptStmt = s; break;
      case 'preempt': inst.preempt = true; break;
      case 'preempt_delay': inst.preemptDelaySec = r.num(s, 0, 1000); break;
      case 'unicast_src_ip': inst.unicastSrcIp = sameFamily(s, r.ip(s, r.word(s) ?? ''), k); break;
      case 'mcast_src_ip': inst.mcastSrcIp = sameFamily(s, r.ip(s, r.word(s) ?? ''), k); break;
      case 'mcast_dst_ip': {
        const ip = sameFamily(s, r.ip(s, r.word(s) ?? ''), k);
        if (ip && !isMulticastGroup(ip, familyOf(ip))) r.err(s, `${ip} is not a${familyOf(ip) === 6 ? ' link-local' : ''} multicast address`);
        else if (ip) inst.mcastDst = ip;
        break;
      }
      case 'unicast_peer':
        for (const line of s.block ?? []) {
          // keepalived 2.2: `ADDRESS [min_ttl N] [max_ttl N]`; the agent checks the source instead.
          const ip = sameFamily(line, r.ip(line, line.keyword), 'unicast_peer');
          if (ip) inst.unicastPeers.push(ip);
          if (line.args.length > 0) r.note(line, `${line.keyword}: '${line.args.map((t) => t.text).join(' ')}' ignored; the agent takes adverts from listed peers only, whatever their TTL`);
        }
        break;
      case 'notify': inst.notify.any = r.notify(s); break;
      case 'notify_master': inst.notify.master = r.notify(s); break;
      case 'notify_backup': inst.notify.backup = r.notify(s); break;
      case 'notify_fault': inst.notify.fault = r.notify(s); break;
      case 'notify_stop': inst.notify.stop = r.notify(s); break;
      case 'garp_master_delay': inst.garpMasterDelaySec = r.num(s, 0, 3600); break;
      case 'garp_master_repeat': inst.garpMasterRepeat = r.num(s, 1, 1000, { integer: true }); break;
      case 'garp_master_refresh': inst.garpMasterRefreshSec = r.num(s, 0, 86400); break;
      case 'garp_master_refresh_repeat': inst.garpMasterRefreshRepeat = r.num(s, 1, 1000, { integer: true }); break;
      case 'dont_track_primary': inst.dontTrackPrimary = true; break;
      case 'virtual_routes':
      case 'virtual_rules':
        for (const line of s.block ?? []) {
          const route = readRouteLine(line, k === 'virtual_routes' ? 'route' : 'rule', r);
          if (route) inst.routes.push(route);
        }
        break;
      case 'use_vmac': {
        const n = s.args[0]?.text;
        if (n !== undefined && !/^[A-Za-z0-9_.:-]{1,15}$/.test(n)) r.err(s, `'${n}' is not an interface name (1–15 characters)`);
        else inst.vmac = { name: n ?? '', xmitBase: inst.vmac?.xmitBase ?? false, where: s.where };
        break;
      }
      case 'vmac_xmit_base':
        if (inst.vmac) inst.vmac.xmitBase = true;
        else vmacXmitBase = true;
        break;
      default:
        if (k in NOTED) r.note(s, `${k}: ${NOTED[k]}`);
        else if (k in UNSUPPORTED) r.warn(s, 'conf-unsupported', `${k} is not supported by the agent, ignored`, UNSUPPORTED[k]);
        else r.unknown(s, `vrrp_instance ${name}`);
    }
  }
  if (!inst.interface) r.fail(stmt, 'conf-missing', `vrrp_instance ${name} has no interface`, 'add `interface eth0` (the interface VRRP runs on)');
  if (inst.vrid === undefined && !(stmt.block ?? []).some((s) => s.keyword === 'virtual_router_id')) {
    r.fail(stmt, 'conf-missing', `vrrp_instance ${name} has no virtual_router_id`, 'add `virtual_router_id 51` (1–255, the same on every router of this VIP)');
  }
  inst.family = family ?? 4;
  inst.mcastGroup = inst.mcastDst ?? (inst.family === 6 ? g.mcastGroup6 : g.mcastGroup4);
  if (inst.vmac) {
    // keepalived's default name: vrrp.VRID.
    if (!inst.vmac.name && inst.vrid !== undefined) inst.vmac.name = `vrrp.${inst.vrid}`;
    if (vmacXmitBase) inst.vmac.xmitBase = true;
    if (inst.family === 6) {
      r.warn(inst.vmac, 'conf-unsupported', 'use_vmac with IPv6 is not supported by the agent: the VIPs go on the interface itself', 'drop use_vmac from this instance, or run keepalived on this director');
      inst.vmac = undefined;
    } else if (inst.unicastPeers.length > 0 && !inst.vmac.xmitBase) {
      r.warn(inst.vmac, 'conf-vmac-unicast', 'unicast with use_vmac sends from the base interface (vmac_xmit_base), as keepalived does');
      inst.vmac.xmitBase = true;
    }
  }
  if (inst.family === 6) {
    // keepalived: IPv6 instances speak VRRPv3 whatever vrrp_version says globally.
    if (versionStmt && inst.version === 2) r.err(versionStmt, `VRRPv2 is IPv4 only; vrrp_instance ${name} is IPv6`, 'use `version 3` (or leave version out)');
    inst.version = 3;
    const first = inst.vips[0];
    if (first && inst.unicastPeers.length === 0 && !isLinkLocal6(first.address)) {
      r.note(first, `${first.address}: RFC 5798 §5.2.9 wants a link-local first IPv6 VIP (keepalived logs this too); accepted`);
    }
  }
  if (inst.version === 2 && inst.advertIntervalCs! % 100 !== 0 && advertIntStmt) {
    r.err(advertIntStmt, `VRRPv2 carries whole seconds, not ${inst.advertIntervalCs! / 100}`, 'use `version 3` for sub-second adverts');
  }
  if (inst.version === 3 && inst.advertIntervalCs! > 4095 && advertIntStmt) r.err(advertIntStmt, 'VRRPv3 allows at most 40.95 s');
  if (inst.version === 3 && inst.authPass !== undefined) {
    r.warn(stmt, 'conf-v3-auth', `vrrp_instance ${name}: VRRPv3 has no authentication; auth_pass is ignored (as keepalived does)`);
    inst.authPass = undefined;
  }
  if (nopreemptStmt && inst.initialState === 'MASTER') {
    r.warn(nopreemptStmt, 'conf-nopreempt-master', 'nopreempt with state MASTER: keepalived ignores nopreempt here', 'set `state BACKUP` on every router when using nopreempt');
  }
  if (inst.vips.length === 0) r.fail(stmt, 'conf-missing', `vrrp_instance ${name} has no virtual_ipaddress`, 'list the VIPs in `virtual_ipaddress { … }`');
  if (inst.vips.length > 20 && inst.version === 2) r.warn(stmt, 'conf-many-vips', 'more than 20 VIPs: put the rest in virtual_ipaddress_excluded');
  const req = ['interface', 'vrid', 'priority', 'advertIntervalCs', 'preemptDelaySec', 'garpMasterDelaySec', 'garpMasterRepeat', 'garpMasterRefreshSec', 'garpMasterRefreshRepeat'] as const;
  if (req.some((k) => inst[k] === undefined)) return undefined;
  return inst as InstanceConf;
}

function readAuth(s: Stmt, inst: Partial<InstanceConf>, r: Reader): void {
  let type: string | undefined;
  let pass: string | undefined;
  let passStmt: Stmt | undefined;
  for (const a of s.block ?? []) {
    if (a.keyword === 'auth_type') type = r.word(a)?.toUpperCase();
    else if (a.keyword === 'auth_pass') {
      pass = a.args[0]?.text;
      passStmt = a;
      if (pass === undefined) r.err(a, 'needs a password');
    } else r.unknown(a, 'authentication');
  }
  if (type === 'AH') return r.err(s, 'auth_type AH is not supported by the agent (RFC 3768 removed it)', 'use auth_type PASS, or none');
  if (type !== undefined && type !== 'PASS') return r.err(s, `auth_type ${type}: expected PASS`);
  if (type === undefined && pass !== undefined) r.warn(s, 'conf-auth', 'auth_pass without auth_type PASS: using PASS', 'add `auth_type PASS`');
  if (pass !== undefined && [...new TextEncoder().encode(pass)].length > 8 && passStmt) {
    // Never echo the password itself.
    r.warn(passStmt, 'conf-auth-long', 'auth_pass is longer than 8 bytes: only the first 8 are used (as keepalived does)');
  }
  if (type === 'PASS' && pass === undefined) r.err(s, 'auth_type PASS without auth_pass');
  if (pass !== undefined) inst.authPass = pass;
}

/**
 * One virtual_routes / virtual_rules line. Its words go to `ip route` / `ip rule` as written; here
 * only what can be checked without the kernel: the family (for `ip -6`) from the first address,
 * and that a route names a destination.
 */
function readRouteLine(line: Stmt, kind: 'route' | 'rule', r: Reader): RouteLine | undefined {
  const words = [line.keyword, ...line.args.map((t) => t.text)];
  const addr = words.map((w) => w.replace(/\/\d+$/, '')).find((w) => canonicalIp(w) !== undefined);
  if (kind === 'route' && !addr && !['default', 'blackhole', 'unreachable', 'prohibit', 'throw'].includes(words[0]!)) {
    r.err(line, `'${words.join(' ')}' names no destination`, 'write it as for `ip route add`, e.g. 198.19.0.0/24 via 198.18.0.1 dev eth0');
    return undefined;
  }
  return { kind, words, family: addr !== undefined && familyOf(addr) === 6 ? 6 : 4, where: line.where };
}

function readTrack(s: Stmt, r: Reader): TrackRef[] {
  const out: TrackRef[] = [];
  for (const line of s.block ?? []) {
    const ref: TrackRef = { name: line.keyword, where: line.where };
    const a = line.args.map((t) => t.text);
    if (a[0] === 'weight') {
      const w = Number(a[1]);
      if (!Number.isInteger(w) || w < -254 || w > 254) r.err(line, `weight '${a[1] ?? ''}' is not a whole number in -254–254`);
      else ref.weight = w;
      if (a[2] === 'reverse') ref.reverse = true;
      else if (a[2] === 'noreverse' || a[2] === 'no_reverse') ref.reverse = false;
      else if (a.length > 2) r.unknown(line, s.keyword);
    } else if (a.length > 0) r.err(line, `expected 'weight N' after ${line.keyword}, got '${a.join(' ')}'`);
    out.push(ref);
  }
  return out;
}
