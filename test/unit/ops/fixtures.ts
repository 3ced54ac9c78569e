import type { Cluster, VrrpInstance, VrrpMember } from '../../../src/topology/types.js';
import type { HostObservation, Observations, VerifyReport } from '../../../src/verify/index.js';

export function member(host: string, priority: number, address: string): VrrpMember {
  return { host, priority, initialState: priority >= 150 ? 'MASTER' : 'BACKUP', interface: 'eth0', address, unicastPeers: [], engine: 'keepalived' };
}

export function instance(members: VrrpMember[], o: Partial<VrrpInstance> = {}): VrrpInstance {
  return {
    name: 'web_51', cluster: 'web', vrid: 51, version: 2, advertInt: 1, interface: 'eth0',
    vips: [{ address: '198.18.0.100', prefix: 24, dev: 'eth0', where: {} }],
    preempt: true, preemptDelaySec: 0, unicast: false, garpMasterDelaySec: 5, garpMasterRepeat: 5, garpMasterRefreshSec: 0,
    members, trackScripts: ['chk_nginx'], where: {}, smtpAlert: false, ...o,
    // A cast, not a typed literal: fields another part adds to VrrpInstance (smtpAlert, in flight) must not break these fixtures either way.
  } as VrrpInstance;
}

export function cluster(instances: VrrpInstance[]): Cluster {
  return { name: 'web', mode: 'nginx', instances, services: [], realservers: [], trackScripts: [] } as unknown as Cluster;
}

export function healthy(host: string, state: 'MASTER' | 'BACKUP', o: Partial<Extract<HostObservation, { reachable: true }>> = {}): HostObservation {
  return {
    host, reachable: true, addresses: [], macs: {}, running: { keepalived: true, nginx: true },
    speaker: { source: 'keepalived', instances: [{ name: 'web_51', state, authFailures: 0 }], scripts: [{ name: 'chk_nginx', ok: true }] },
    authLogLines: [], sysctls: {}, files: [], lastDeploy: null, ...o,
  };
}

export function observations(hosts: HostObservation[]): Observations {
  return { hosts: Object.fromEntries(hosts.map((h) => [h.host, h])), arp: [], backends: [], http: [] };
}

export function report(holders: string[], extra: VerifyReport['findings'] = []): VerifyReport {
  const vip = holders.length === 1
    ? { kind: 'vip-ok' as const, ok: true, severity: 'ok' as const, cluster: 'web', instance: 'web_51', vip: '198.18.0.100', host: holders[0]!, holders, message: 'ok' }
    : { kind: holders.length ? 'split-brain' as const : 'orphan' as const, ok: false, severity: 'error' as const, cluster: 'web', instance: 'web_51', vip: '198.18.0.100', holders, message: 'bad' };
  const findings = [vip, ...extra];
  return { ok: findings.every((f) => f.ok), at: '', findings, summary: { errors: 0, warnings: 0, passed: 0 } };
}
