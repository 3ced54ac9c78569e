import type { Diagnostic } from '../diagnostics/index.js';
import type { Inventory } from '../inventory/types.js';
import { DEFAULTS } from './defaults.js';
import { buildInstances } from './instances.js';
import { resolveHosts } from './members-of.js';
import { bool, int, num, obj, str, type Obj } from './read.js';
import { buildServices } from './services.js';
import type { ClusterSource } from './sources.js';
import type { Cluster, Mode, NginxSettings, NotifyHooks, TrackScript, VrrpEngine } from './types.js';
import { whereAt, type KeyPath } from './where.js';

/** One `hafleet_clusters` entry → Cluster. Type errors were reported by the key walk; here they read as defaults. */
export function buildCluster(inv: Inventory, src: ClusterSource, diags: Diagnostic[]): Cluster {
  const { host, index, value: raw } = src.canonical;
  const path: KeyPath = ['hafleet_clusters', index];
  const mode = (str(raw.mode) ?? 'nginx') as Mode;
  const engine = (str(raw.vrrp_engine) === 'agent' ? 'agent' : DEFAULTS.engine) as VrrpEngine;
  const directors = raw.directors === undefined ? [] : resolveHosts(inv, raw.directors, { host, path: [...path, 'directors'] }, diags);
  const realservers = raw.realservers === undefined ? [] : resolveHosts(inv, raw.realservers, { host, path: [...path, 'realservers'] }, diags);
  const trackScripts = buildTrack(mode, obj(raw.track));
  const v = obj(raw.vrrp);
  const d = DEFAULTS.vrrp;
  const authPass = str(v.auth_pass);
  const instances = buildInstances({
    inv, cluster: src.name, host, path, directors, engine, trackScripts: trackScripts.map((t) => t.name),
    ...(str(raw.interface) !== undefined ? { interface: str(raw.interface)! } : {}),
    vrrp: {
      version: int(v.version) === 3 ? 3 : 2,
      advertInt: num(v.advert_int) ?? d.advertInt,
      ...(authPass !== undefined ? { authPass } : {}),
      preempt: bool(v.preempt) ?? d.preempt,
      preemptDelaySec: int(v.preempt_delay) ?? d.preemptDelaySec,
      unicast: bool(v.unicast) ?? d.unicast,
      garpMasterDelaySec: int(v.garp_master_delay) ?? d.garpMasterDelaySec,
      garpMasterRepeat: int(v.garp_master_repeat) ?? d.garpMasterRepeat,
      garpMasterRefreshSec: int(v.garp_master_refresh) ?? d.garpMasterRefreshSec,
      smtpAlert: bool(v.smtp_alert) ?? d.smtpAlert,
    },
  }, raw, diags);
  const vips = [...new Set(instances.flatMap((i) => i.vips.map((x) => x.address)))];
  return {
    name: src.name, mode, engine, directors, realservers, instances,
    services: buildServices({ inv, host, path, vips, realservers }, raw, diags),
    trackScripts,
    notify: buildNotify(obj(raw.notify)),
    nginx: buildNginx(obj(raw.nginx)),
    where: whereAt(inv, host, path),
    ...(mode === 'lvs-dr' ? { lbKind: 'DR' as const } : mode === 'lvs-nat' ? { lbKind: 'NAT' as const } : {}),
    source: { host, path },
  };
}

/** nginx mode tracks nginx unless `track.nginx: false`; LVS modes only when asked for. */
function buildTrack(mode: Mode, track: Obj): TrackScript[] {
  const t = track.nginx;
  const on = t === undefined ? mode === 'nginx' : t !== false;
  if (!on) return [];
  const o = obj(t);
  const d = DEFAULTS.trackNginx;
  // user: false writes no user line (keepalived's default script user, as an imported fleet had it).
  const user = o.user === false ? undefined : str(o.user) ?? d.user;
  return [{
    name: str(o.name) ?? d.name, script: str(o.script) ?? d.script,
    intervalSec: int(o.interval) ?? d.intervalSec, timeoutSec: int(o.timeout) ?? d.timeoutSec,
    weight: int(o.weight) ?? d.weight, fall: int(o.fall) ?? d.fall, rise: int(o.rise) ?? d.rise,
    ...(user !== undefined ? { user } : {}),
  }];
}

function buildNotify(n: Obj): NotifyHooks {
  const user = n.user === false ? undefined : str(n.user) ?? DEFAULTS.notify.user;
  const out: NotifyHooks = { script: str(n.script) ?? DEFAULTS.notify.script, logFile: str(n.log_file) ?? DEFAULTS.notify.logFile, ...(user !== undefined ? { user } : {}) };
  for (const k of ['master', 'backup', 'fault', 'stop'] as const) {
    const s = str(n[k]);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function buildNginx(n: Obj): NginxSettings {
  const d = DEFAULTS.nginx;
  return {
    listenPort: int(n.listen_port) ?? d.listenPort,
    proxyConnectTimeout: str(n.proxy_connect_timeout) ?? d.proxyConnectTimeout,
    proxyReadTimeout: str(n.proxy_read_timeout) ?? d.proxyReadTimeout,
    proxySendTimeout: str(n.proxy_send_timeout) ?? d.proxySendTimeout,
    maxFails: int(n.max_fails) ?? d.maxFails,
    failTimeout: str(n.fail_timeout) ?? d.failTimeout,
    keepalive: int(n.keepalive) ?? d.keepalive,
    errorPage: str(n.error_page) ?? d.errorPage,
  };
}
