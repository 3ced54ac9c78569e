import { error, type Diagnostic } from '../diagnostics/index.js';
import type { Inventory } from '../inventory/types.js';
import { DEFAULTS } from './defaults.js';
import { LB_ALGOS } from './keys.js';
import { hostBool, hostInt, int, list, obj, str, type Obj } from './read.js';
import type { HealthCheck, LbAlgo, RealServer, VirtualService } from './types.js';
import { addressText, parseAddress } from './vips.js';
import { whereAt, type KeyPath } from './where.js';

interface ServiceContext {
  inv: Inventory;
  host: string;
  path: KeyPath;
  vips: string[];
  realservers: string[];
}

/** `services:` → one VirtualService per (VIP, port); the default is port 80 on every VIP. */
export function buildServices(c: ServiceContext, raw: Obj, diags: Diagnostic[]): VirtualService[] {
  const given = list(raw.services);
  const specs: { spec: Obj; path: KeyPath }[] = given
    ? given.map((s, i) => ({ spec: obj(s), path: [...c.path, 'services', i] }))
    : [{ spec: {}, path: c.path }];
  const out: VirtualService[] = [];
  for (const { spec, path } of specs) {
    const vip = str(spec.vip);
    let targets = c.vips;
    if (vip !== undefined) {
      const parsed = parseAddress(vip);
      const normal = parsed ? addressText(parsed) : undefined;
      if (!normal || !c.vips.includes(normal)) {
        diags.push(error('service-vip', `${vip} is not a VIP of this cluster`, whereAt(c.inv, c.host, [...path, 'vip']),
          `use one of ${c.vips.join(', ') || '(no VIPs)'}, or leave vip out for every VIP`));
        continue;
      }
      targets = [normal];
    }
    const port = int(spec.port) ?? DEFAULTS.service.port;
    const rsPort = int(spec.realserver_port) ?? port;
    const sorry = sorryServer(c, spec, path, diags);
    for (const address of targets) {
      out.push({
        vip: address, port,
        protocol: str(spec.protocol) === 'UDP' ? 'UDP' : 'TCP',
        lbAlgo: algo(str(spec.lb_algo)),
        persistenceTimeoutSec: int(spec.persistence_timeout) ?? DEFAULTS.service.persistenceTimeoutSec,
        healthCheck: healthCheck(obj(spec.health_check)),
        realServers: c.realservers.map((h) => realServer(c.inv, h, rsPort)),
        ...(sorry ? { sorryServer: sorry } : {}),
        source: { host: c.host, path },
      });
    }
  }
  return out;
}

function algo(v: string | undefined): LbAlgo {
  return (LB_ALGOS as readonly string[]).includes(v ?? '') ? (v as LbAlgo) : DEFAULTS.service.lbAlgo;
}

function healthCheck(h: Obj): HealthCheck {
  const d = DEFAULTS.healthCheck;
  const type = str(h.type);
  return {
    type: type === 'TCP_CHECK' || type === 'NONE' || type === 'HTTP_GET' ? type : d.type,
    path: str(h.path) ?? d.path,
    status: int(h.status) ?? d.status,
    connectTimeoutSec: int(h.connect_timeout) ?? d.connectTimeoutSec,
    retry: int(h.retry) ?? d.retry,
    delayBeforeRetrySec: int(h.delay_before_retry) ?? d.delayBeforeRetrySec,
    delayLoopSec: int(h.delay_loop) ?? d.delayLoopSec,
  };
}

function realServer(inv: Inventory, host: string, port: number): RealServer {
  const vars = inv.hosts.get(host)!.vars;
  return {
    host,
    address: str(vars.realserver_address) ?? str(vars.ansible_host) ?? host,
    port,
    weight: hostInt(vars.realserver_weight) ?? DEFAULTS.realserver.weight,
    backup: hostBool(vars.realserver_backup) ?? DEFAULTS.realserver.backup,
  };
}

function sorryServer(c: ServiceContext, spec: Obj, path: KeyPath, diags: Diagnostic[]): { address: string; port: number } | undefined {
  const text = str(spec.sorry_server);
  if (text === undefined) return undefined;
  const m = /^(.+):(\d{1,5})$/.exec(text);
  const addr = m ? parseAddress(m[1]!.replace(/^\[|\]$/g, '')) : undefined;
  const port = m ? Number(m[2]) : NaN;
  if (!addr || !(port >= 1 && port <= 65535)) {
    diags.push(error('sorry-server', `${text} is not address:port`, whereAt(c.inv, c.host, [...path, 'sorry_server']), 'write it like 198.18.0.50:80'));
    return undefined;
  }
  return { address: addressText(addr), port };
}
