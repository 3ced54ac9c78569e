import type { Inventory } from '../../../src/inventory/index.js';
import type { Cluster, Topology, VrrpEngine, VrrpInstance } from '../../../src/topology/index.js';

// Topology values built by hand: render needs no inventory files, and these cover what the
// example inventories do not (lvs-nat, the VRRP agent, VRRPv3, nopreempt).

export const noInventory: Inventory = { path: '/nonexistent', dir: '/nonexistent', hosts: new Map(), groups: new Map(), whereOf: () => ({}) };

function instance(engine: VrrpEngine, over: Partial<VrrpInstance> = {}): VrrpInstance {
  return {
    name: 'app_81', cluster: 'app', vrid: 81, version: 2, advertInt: 1, interface: 'eth1',
    vips: [{ address: '198.18.2.100', prefix: 24, dev: 'eth1', where: {} }],
    authPass: 'natpass1', preempt: true, preemptDelaySec: 0, unicast: false,
    garpMasterDelaySec: 5, garpMasterRepeat: 5, garpMasterRefreshSec: 0, smtpAlert: false,
    members: [
      { host: 'd1', priority: 150, initialState: 'MASTER', interface: 'eth1', address: '198.18.2.11', unicastPeers: [], engine },
      { host: 'd2', priority: 100, initialState: 'BACKUP', interface: 'eth1', address: '198.18.2.12', unicastPeers: [], engine },
    ],
    trackScripts: [], where: {}, ...over,
  };
}

export function natCluster(engine: VrrpEngine, over: Partial<VrrpInstance> = {}): Cluster {
  return {
    name: 'app', mode: 'lvs-nat', engine, directors: ['d1', 'd2'], realservers: ['r1'],
    instances: [instance(engine, over)],
    services: [{
      vip: '198.18.2.100', port: 8443, protocol: 'TCP', lbAlgo: 'wrr', persistenceTimeoutSec: 0,
      healthCheck: { type: 'NONE', path: '/', status: 200, connectTimeoutSec: 3, retry: 3, delayBeforeRetrySec: 3, delayLoopSec: 6 },
      realServers: [{ host: 'r1', address: '198.18.3.21', port: 443, weight: 3, backup: false }],
    }],
    trackScripts: [], notify: { script: '/usr/local/sbin/hafleet-notify' },
    nginx: { listenPort: 80, proxyConnectTimeout: '2s', proxyReadTimeout: '30s', proxySendTimeout: '30s', maxFails: 2, failTimeout: '10s', keepalive: 16, errorPage: '/usr/share/hafleet/503.html' },
    where: {},
  };
}

export function topology(c: Cluster): Topology {
  return { clusters: [c], roles: new Map<string, Set<'director' | 'realserver'>>([['d1', new Set(['director'])], ['d2', new Set(['director'])], ['r1', new Set(['realserver'])]]) };
}
