/**
 * VMAC interfaces (keepalived's `use_vmac`): a macvlan in private mode on the VRRP interface,
 * carrying the virtual router MAC of RFC 5798 §7.3 (00-00-5E-00-01-{VRID} for IPv4), created at
 * start and removed at exit, through rtnetlink. The sysctls keepalived sets go with it: on the
 * VMAC accept_local=1, arp_ignore=1, rp_filter=0; on its parent arp_ignore=1 and arp_filter=1
 * (put back as they were when the last VMAC on that parent goes).
 */
import fs from 'node:fs';
import * as libc from './libc.js';
import { attr, NLM_F_ACK, NLM_F_CREATE, NLM_F_EXCL, NLM_F_REQUEST, nlmsg, openRtnl, request, u32 } from './netlink.js';

const RTM_NEWLINK = 16;
const RTM_DELLINK = 17;
const IFLA_ADDRESS = 1;
const IFLA_IFNAME = 3;
const IFLA_LINK = 5;
const IFLA_LINKINFO = 18;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const IFLA_MACVLAN_MODE = 1;
const MACVLAN_MODE_PRIVATE = 1;
const IFF_UP = 1;
const EEXIST = 17;
const ENODEV = 19;

/** RFC 5798 §7.3: the virtual router MAC address. */
export function vmacAddress(vrid: number, family: 4 | 6): Buffer {
  return Buffer.from([0x00, 0x00, 0x5e, 0x00, family === 6 ? 0x02 : 0x01, vrid]);
}

function ifinfo(index: number, flags = 0, change = 0): Buffer {
  // struct ifinfomsg { u8 family, u8 pad, u16 type, i32 index, u32 flags, u32 change }
  const b = Buffer.alloc(16);
  b.writeInt32LE(index, 4);
  b.writeUInt32LE(flags, 8);
  b.writeUInt32LE(change, 12);
  return b;
}

/** The RTM_NEWLINK that creates the macvlan; exported for the unit test. */
export function createVmacMessage(name: string, parentIndex: number, mac: Buffer, seq: number): Buffer {
  const info = attr(IFLA_LINKINFO, Buffer.concat([
    attr(IFLA_INFO_KIND, Buffer.from('macvlan')),
    attr(IFLA_INFO_DATA, attr(IFLA_MACVLAN_MODE, u32(MACVLAN_MODE_PRIVATE))),
  ]));
  const body = Buffer.concat([ifinfo(0), attr(IFLA_LINK, u32(parentIndex)), attr(IFLA_IFNAME, Buffer.from(name + '\0')), attr(IFLA_ADDRESS, mac), info]);
  return nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, seq, body);
}

function sysctl(path: string, value?: string): string | undefined {
  try {
    const old = fs.readFileSync(path, 'utf8').trim();
    if (value !== undefined && old !== value) fs.writeFileSync(path, value);
    return old;
  } catch {
    return undefined;
  }
}

export interface VmacOps {
  /** Create (or re-create, if a killed run left it) and bring up `name` on `parent`. */
  create(name: string, parent: string, mac: Buffer): void;
  remove(name: string): void;
  close(): void;
}

export function openVmacOps(): VmacOps {
  const fd = openRtnl();
  const buf = Buffer.alloc(8192);
  let seq = 1;
  const parents = new Map<string, { users: Set<string>; arpIgnore?: string; arpFilter?: string }>();
  const ask = (msg: (s: number) => Buffer, what: string) => {
    const s = seq++;
    return request(fd, msg(s), s, buf, what);
  };
  const del = (name: string) => {
    let index: number;
    try {
      index = libc.ifIndex(name);
    } catch {
      return;
    }
    const err = ask((s) => nlmsg(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, s, ifinfo(index)), `delete link ${name}`);
    if (err !== 0 && err !== ENODEV) throw new libc.SysError(`delete link ${name}`, err);
  };
  return {
    create(name, parent, mac) {
      const parentIndex = libc.ifIndex(parent);
      let err = ask((s) => createVmacMessage(name, parentIndex, mac, s), `create macvlan ${name} on ${parent}`);
      if (err === EEXIST) {
        // Left by a run that was killed: start from a clean one.
        del(name);
        err = ask((s) => createVmacMessage(name, parentIndex, mac, s), `create macvlan ${name} on ${parent}`);
      }
      if (err !== 0) throw new libc.SysError(`create macvlan ${name} on ${parent}`, err);
      const p = parents.get(parent) ?? { users: new Set<string>() };
      if (p.users.size === 0) {
        p.arpIgnore = sysctl(`/proc/sys/net/ipv4/conf/${parent}/arp_ignore`, '1');
        p.arpFilter = sysctl(`/proc/sys/net/ipv4/conf/${parent}/arp_filter`, '1');
      }
      p.users.add(name);
      parents.set(parent, p);
      for (const [k, v] of [['accept_local', '1'], ['arp_ignore', '1'], ['rp_filter', '0']] as const) sysctl(`/proc/sys/net/ipv4/conf/${name}/${k}`, v);
      const index = libc.ifIndex(name);
      err = ask((s) => nlmsg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, s, ifinfo(index, IFF_UP, IFF_UP)), `set ${name} up`);
      if (err !== 0) throw new libc.SysError(`set ${name} up`, err);
    },
    remove(name) {
      del(name);
      for (const [parent, p] of parents) {
        if (!p.users.delete(name) || p.users.size > 0) continue;
        if (p.arpIgnore !== undefined) sysctl(`/proc/sys/net/ipv4/conf/${parent}/arp_ignore`, p.arpIgnore);
        if (p.arpFilter !== undefined) sysctl(`/proc/sys/net/ipv4/conf/${parent}/arp_filter`, p.arpFilter);
        parents.delete(parent);
      }
    },
    close() {
      libc.close(fd);
    },
  };
}
