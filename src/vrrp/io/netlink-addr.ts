/**
 * VIP add/remove through rtnetlink (RTM_NEWADDR / RTM_DELADDR): one syscall pair, ≈ 0.03 ms,
 * against ≈ 2 ms to spawn `ip`, which matters on the failover path. Falls back to `ip addr` when
 * netlink cannot be used. "Already there" on add and "not there" on delete count as success: the
 * agent converges on the wanted state, whatever a previous run left.
 */
import { execFileSync } from 'node:child_process';
import * as libc from './libc.js';
import { C } from './libc.js';
import { familyOf, ipToBytes } from '../packet.js';

import { attr, NLM_F_ACK, NLM_F_CREATE, NLM_F_REPLACE, NLM_F_REQUEST, nlmsg, openRtnl, request } from './netlink.js';

const RTM_NEWADDR = 20;
const RTM_DELADDR = 21;
const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const IFA_LABEL = 3;
const IFA_BROADCAST = 4;
/** IPv6: usable at once, as keepalived adds VIPs (a VIP held by one router at a time has no duplicate to detect). */
const IFA_F_NODAD = 0x02;
const EEXIST = 17;
const EADDRNOTAVAIL = 99;

export interface AddrSpec {
  address: string;
  prefix: number;
  dev: string;
  label?: string;
}

export interface AddrOps {
  add(a: AddrSpec): void;
  del(a: AddrSpec): void;
  /** 'netlink' or 'ip' (after a netlink failure). */
  readonly via: string;
  /** `dev` was removed (a VMAC): look its index up again next time. */
  forget(dev: string): void;
  close(): void;
}

function ipBytes(ip: string): Buffer {
  const b = ipToBytes(ip);
  if (!b) throw new Error(`bug: not an IP address: ${ip}`);
  return Buffer.from(b);
}

function broadcastOf(ip: string, prefix: number): string {
  if (prefix >= 31) return ip;
  const n = (ipBytes(ip).readUInt32BE(0) | (0xffffffff >>> prefix)) >>> 0;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** The request bytes; exported for the unit test. */
export function addrMessage(kind: 'add' | 'del', a: AddrSpec, ifindex: number, seq: number): Buffer {
  const v6 = familyOf(a.address) === 6;
  const attrs = [attr(IFA_LOCAL, ipBytes(a.address)), attr(IFA_ADDRESS, ipBytes(a.address))];
  // Broadcast addresses and labels are IPv4 notions.
  if (!v6 && kind === 'add' && a.prefix < 31) attrs.push(attr(IFA_BROADCAST, ipBytes(broadcastOf(a.address, a.prefix))));
  if (!v6 && a.label) attrs.push(attr(IFA_LABEL, Buffer.from(a.label + '\0')));
  const ifa = Buffer.alloc(8);
  ifa[0] = v6 ? C.AF_INET6 : C.AF_INET;
  ifa[1] = a.prefix;
  if (v6 && kind === 'add') ifa[2] = IFA_F_NODAD;
  ifa.writeUInt32LE(ifindex, 4);
  return nlmsg(kind === 'add' ? RTM_NEWADDR : RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK | (kind === 'add' ? NLM_F_CREATE | NLM_F_REPLACE : 0), seq, Buffer.concat([ifa, ...attrs]));
}

class NetlinkAddr implements AddrOps {
  readonly via = 'netlink';
  private seq = 1;
  private readonly buf = Buffer.alloc(8192);
  private readonly ifindexes = new Map<string, number>();

  constructor(private readonly fd: number) {}

  private ifindex(dev: string): number {
    let i = this.ifindexes.get(dev);
    if (i === undefined) this.ifindexes.set(dev, (i = libc.ifIndex(dev)));
    return i;
  }

  private request(kind: 'add' | 'del', a: AddrSpec): void {
    const seq = this.seq++;
    const what = `netlink ${kind} ${a.address}/${a.prefix} dev ${a.dev}`;
    const err = request(this.fd, addrMessage(kind, a, this.ifindex(a.dev), seq), seq, this.buf, what);
    if (err === 0 || (kind === 'add' && err === EEXIST) || (kind === 'del' && err === EADDRNOTAVAIL)) return;
    throw new libc.SysError(what, err);
  }

  add(a: AddrSpec): void {
    this.request('add', a);
  }

  forget(dev: string): void {
    this.ifindexes.delete(dev);
  }

  del(a: AddrSpec): void {
    this.request('del', a);
  }

  close(): void {
    libc.close(this.fd);
  }
}

/** `ip addr` as the fallback: slower, but the same semantics. */
class IpCommandAddr implements AddrOps {
  readonly via = 'ip';
  add(a: AddrSpec): void {
    const v6 = familyOf(a.address) === 6;
    const args = ['addr', 'replace', `${a.address}/${a.prefix}`, 'dev', a.dev, ...(a.label && !v6 ? ['label', a.label] : []), ...(v6 ? ['nodad'] : [])];
    execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  }
  del(a: AddrSpec): void {
    try {
      execFileSync('ip', ['addr', 'del', `${a.address}/${a.prefix}`, 'dev', a.dev], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      if (!/Cannot assign requested address/.test(String((e as { stderr?: Buffer }).stderr ?? ''))) throw e;
    }
  }
  forget(): void {}
  close(): void {}
}

export function openAddrOps(onFallback: (why: string) => void): AddrOps {
  try {
    return new NetlinkAddr(openRtnl());
  } catch (e) {
    onFallback((e as Error).message);
    return new IpCommandAddr();
  }
}
