/** `vrrp_instance NAME { … }` → InstanceConf, reporting every problem with its file:line. */
import type { Stmt } from './conf-tree.js';
import type { Reader } from './conf-values.js';
import type { GlobalDefs, InstanceConf, TrackRef } from './config-types.js';
import { canonicalIp, familyOf, isLinkLocal6, isMulticastGroup, type Family } from '../vrrp/packet.js';
import type { RouteLine } from './config-types.js';
import { readDecimal, readInt, readUnsigned } from './conf-numbers.js';
import { completeInstance, type AsWritten } from './config-complete.js';
import { KEEPALIVED_DEPRECATED, KEEPALIVED_INSTANCE_KEYWORDS } from './keywords.js';

/** Accepted but without effect in the agent: noted so nobody is surprised. */
const NOTED: Record<string, string> = {
  smtp_alert: 'the agent sends no mail; use a notify script',
  accept: 'the agent never filters traffic to the VIPs',
  no_accept: 'the agent never filters traffic to the VIPs',
  strict_mode: 'strict mode checks are not enforced by the agent',
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
  // What the file says, before keepalived's vrrp_complete_instance derives and checks (config-complete.ts).
  const w: AsWritten = {};
  let versionStmt: Stmt | undefined;
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
        // vrrp_state_handler: strcmp, so `master` is unknown — and then BACKUP, not an error that stops.
        const v = r.word(s);
        if (v === 'MASTER') w.state = 'MASTER';
        else if (v === 'BACKUP') {
          if (w.state === 'MASTER') r.kaError(s, 'conf-state', `(${name}) state previously set as MASTER - ignoring BACKUP`, 'give state once');
          else w.state = 'BACKUP';
        } else if (v !== undefined) {
          const up = v.toUpperCase();
          r.kaError(s, 'conf-state', `(${name}) unknown state '${v}', defaulting to BACKUP`, up === 'MASTER' || up === 'BACKUP' ? `keepalived reads state case-sensitively: write ${up}` : 'MASTER or BACKUP');
          w.state = 'BACKUP';
        }
        break;
      }
      case 'interface': inst.interface = r.word(s); inst.interfaceWhere = s.where; break;
      case 'virtual_router_id': {
        const t = r.word(s);
        if (t === undefined) break;
        const n = readUnsigned(t, 1, 255);
        if (n.value === undefined) r.kaError(s, 'conf-vrid', `(${name}): VRID '${t}' not valid - must be between 1 & 255 (${n.message})`);
        else inst.vrid = n.value;
        break;
      }
      case 'priority': {
        const t = r.word(s);
        if (t === undefined) break;
        const n = readUnsigned(t, 1, 255);
        if (n.value === undefined) {
          r.kaError(s, 'conf-priority', `(${name}) Priority not valid! must be between 1 & 255. Using default 100 (${n.message})`, 'priority 255 is the address owner; backups use 1–254');
          w.priority = 100;
        } else w.priority = n.value;
        break;
      }
      case 'advert_int': {
        const t = r.word(s);
        if (t === undefined) break;
        // TIMER_HZ_DIGITS: microseconds, 0.01–255 s.
        const n = readDecimal(t, 10_000, 255_000_000, 6);
        if (n.value === undefined) r.kaError(s, 'conf-advert-int', `(${name}) Advert interval (${t}) not valid! Must be > 0 - ignoring (${n.message})`, 'seconds, e.g. 1 (VRRPv2) or 0.1 (VRRPv3)');
        else {
          if (n.message) r.kaError(s, 'conf-advert-int', n.message);
          w.advertUs = n.value;
        }
        w.advertWhere = s.where;
        break;
      }
      case 'version': {
        const t = r.word(s);
        if (t === undefined) break;
        const n = readInt(t, 2, 3);
        if (n.value === undefined) r.kaError(s, 'conf-version', `(${name}): Version must be either 2 or 3 (${n.message})`);
        else if ((w.version !== undefined && w.version !== n.value) || (n.value === 2 && family === 6)) {
          r.kaError(s, 'conf-version', `(${name}) vrrp_version ${n.value} conflicts with configured or deduced version ${w.version ?? (family === 6 ? 3 : 0)}; ignoring.`);
        } else {
          w.version = n.value as 2 | 3;
          inst.version = w.version;
          versionStmt = s;
        }
        break;
      }
      case 'native_ipv6':
        if (family === 4) r.err(s, `vrrp_instance ${name} already has IPv4 addresses`, 'native_ipv6 is for an instance whose addresses are IPv6');
        else family = 6;
        break;
      case 'authentication': readAuth(s, w, name, r); break;
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
      case 'nopreempt': inst.preempt = false; w.nopreemptWhere = s.where; break;
      // "backwards compatibility": clears nopreempt, whatever came before.
      case 'preempt': inst.preempt = true; break;
      case 'preempt_delay': {
        const t = r.word(s);
        if (t === undefined) break;
        const n = readDecimal(t, 0, 1000 * 1_000_000, 6);
        if (n.value === undefined) {
          r.kaError(s, 'conf-preempt-delay', `(${name}) Preempt_delay not valid! must be between 0-1000 (${n.message})`);
          inst.preemptDelaySec = 0;
        } else {
          if (n.message) r.kaError(s, 'conf-preempt-delay', n.message);
          inst.preemptDelaySec = n.value / 1_000_000;
        }
        w.preemptDelayWhere = s.where;
        break;
      }
      case 'unicast_src_ip': inst.unicastSrcIp = sameFamily(s, r.ip(s, r.word(s) ?? ''), k); break;
      case 'mcast_src_ip': {
        // keepalived: "malformed src address[…]. Skipping..." and the instance runs from its primary address.
        const t = r.word(s);
        if (t === undefined) break;
        if (canonicalIp(t) === undefined) r.kaError(s, 'conf-address', `Configuration error: VRRP instance[${name}] malformed src address[${t}]. Skipping...`);
        else inst.mcastSrcIp = sameFamily(s, canonicalIp(t), k);
        break;
      }
      case 'mcast_dst_ip': {
        const ip = sameFamily(s, r.ip(s, r.word(s) ?? ''), k);
        if (ip && !isMulticastGroup(ip, familyOf(ip))) r.err(s, `${ip} is not a${familyOf(ip) === 6 ? ' link-local' : ''} multicast address`);
        else if (ip) inst.mcastDst = ip;
        break;
      }
      case 'unicast_peer':
        for (const line of s.block ?? []) {
          // keepalived 2.2: `ADDRESS [min_ttl N] [max_ttl N]`; the agent checks the source instead.
          if (canonicalIp(line.keyword) === undefined) {
            r.kaError(line, 'conf-address', `Configuration error: VRRP instance[${name}] malformed unicast peer address[${line.keyword}]. Skipping...`, line.keyword.includes('%') ? 'leave out the %zone: the instance\'s interface is used' : undefined);
            continue;
          }
          const ip = sameFamily(line, canonicalIp(line.keyword), 'unicast_peer');
          if (ip) inst.unicastPeers.push(ip);
          if (line.args.length > 0) r.note(line, `${line.keyword}: '${line.args.map((t) => t.text).join(' ')}' ignored; the agent takes adverts from listed peers only, whatever their TTL`);
        }
        break;
      case 'notify': inst.notify.any = r.notify(s); break;
      case 'notify_master': inst.notify.master = r.notify(s); break;
      case 'notify_backup': inst.notify.backup = r.notify(s); break;
      case 'notify_fault': inst.notify.fault = r.notify(s); break;
      case 'notify_stop': inst.notify.stop = r.notify(s); break;
      case 'garp_master_delay': {
        const t = r.word(s);
        const n = t === undefined ? undefined : readUnsigned(t, 0, 4294);
        if (n?.value !== undefined) inst.garpMasterDelaySec = n.value;
        else if (n) r.kaError(s, 'conf-garp', `(${name}): garp_master_delay '${t}' invalid - ignoring (${n.message})`);
        break;
      }
      case 'garp_master_repeat': {
        const t = r.word(s);
        const n = t === undefined ? undefined : readUnsigned(t, 0, 4294967295);
        if (n?.value === 0) r.kaError(s, 'conf-garp', `(${name}): garp_master_repeat must be greater than 0, setting to 1`);
        if (n?.value !== undefined) inst.garpMasterRepeat = n.value || 1;
        else if (n) r.kaError(s, 'conf-garp', `(${name}): garp_master_repeat '${t}' invalid - ignoring (${n.message})`);
        break;
      }
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
        if (KEEPALIVED_DEPRECATED[k]) r.kaError(s, 'conf-deprecated', KEEPALIVED_DEPRECATED[k].replace('%s', name), 'keepalived still acts on it, and -t fails on it');
        // keepalived 2.2.7 (Debian 12) never starts this instance's VRRP with it (seen in the lab: no dump, no state).
        if (k === 'lvs_sync_daemon_interface') r.err(s, 'keepalived 2.2.7 does not start VRRP with it', 'use global_defs lvs_sync_daemon, and keep it out of the agent’s configuration');
        else if (k in NOTED) r.note(s, `${k}: ${NOTED[k]}`);
        else if (k in UNSUPPORTED) r.warn(s, 'conf-unsupported', `${k} is not supported by the agent, ignored`, UNSUPPORTED[k]);
        else if (KEEPALIVED_INSTANCE_KEYWORDS.has(k)) r.warn(s, 'conf-unsupported', `${k}: a keepalived 2.2.7 keyword the agent does not act on, ignored`, 'run keepalived on this director if the instance needs it');
        else r.unknown(s, `vrrp_instance ${name}`);
    }
  }
  if (!inst.interface) r.fail(stmt, 'conf-missing', `vrrp_instance ${name} has no interface`, 'add `interface eth0` (the interface VRRP runs on)');
  // vrrp_complete_instance: without a VRID keepalived's whole VRRP process stops.
  if (inst.vrid === undefined) r.fail(stmt, 'conf-missing', `(${name}) the virtual router id must be set`, 'add `virtual_router_id 51` (1–255, the same on every router of this VIP)');
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
  completeInstance(inst, w, stmt, r);
  if (inst.vips.length > 20 && inst.version === 2) r.warn(stmt, 'conf-many-vips', 'more than 20 VIPs: put the rest in virtual_ipaddress_excluded');
  const req = ['interface', 'vrid', 'priority', 'advertIntervalCs', 'preemptDelaySec', 'garpMasterDelaySec', 'garpMasterRepeat', 'garpMasterRefreshSec', 'garpMasterRefreshRepeat'] as const;
  if (req.some((k) => inst[k] === undefined)) return undefined;
  return inst as InstanceConf;
}

/**
 * `authentication { auth_type PASS; auth_pass X }` as vrrp_auth_type_handler and
 * vrrp_auth_pass_handler read it: the type is case-sensitive (`pass` is unknown, so no
 * authentication), a password keeps its first 8 bytes; what the pair means is decided with the
 * version in completeInstance.
 */
function readAuth(s: Stmt, w: AsWritten, name: string, r: Reader): void {
  for (const a of s.block ?? []) {
    if (a.keyword === 'auth_type') {
      const v = r.word(a);
      if (v === undefined) continue;
      // The agent speaks no IPsec AH (RFC 3768 removed it): a peer using it could never agree with us.
      if (v === 'AH') {
        r.err(a, 'auth_type AH is not supported by the agent (RFC 3768 removed it)', 'use auth_type PASS, or none');
        w.authType = 'AH';
      }
      else if (v === 'PASS') w.authType = 'PASS';
      else {
        r.kaError(a, 'conf-auth-type', `(${name}) unknown authentication type '${v}'`,
          v.toUpperCase() === 'PASS' || v.toUpperCase() === 'AH' ? `keepalived reads auth_type case-sensitively: write ${v.toUpperCase()}; as written no authentication is sent` : 'PASS');
      }
      w.authWhere = a.where;
    } else if (a.keyword === 'auth_pass') {
      const pass = r.word(a);
      if (pass === undefined) continue;
      w.authPass = pass;
      w.authPassWhere = a.where;
      // Never echo the password itself.
      if (new TextEncoder().encode(pass).length > 8) r.kaError(a, 'conf-auth-long', 'Truncating auth_pass to 8 characters', 'only the first 8 bytes are sent and compared, by keepalived and the agent');
    } else r.unknown(a, 'authentication');
  }
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
