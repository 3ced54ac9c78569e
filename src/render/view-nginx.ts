import { posix } from 'node:path';
import { error, warning, type Diagnostic } from '../diagnostics/index.js';
import { DEFAULTS } from '../topology/index.js';
import type { Cluster, LbAlgo, VirtualService } from '../topology/types.js';

/** The nginx side of a cluster: one upstream and one server per listening port. */
export interface NginxClusterView {
  upstreams: UpstreamView[];
  /** `listen6`: the port also listens on IPv6 (`[::]:port`), when a service VIP on it is IPv6. */
  servers: { port: number; upstream: string; server_names: string[]; listen6: boolean }[];
  nginx: {
    proxy_connect_timeout: string; proxy_read_timeout: string; proxy_send_timeout: string;
    max_fails: number; fail_timeout: string; keepalive: number;
  };
  error_page: { path: string; root: string; uri: string };
}

interface UpstreamView {
  name: string;
  port: number;
  /** `least_conn;`/`ip_hash;` line, or null for round robin (weights make it wrr). */
  method: string | null;
  servers: { host: string; address: string; port: number; weight: number; backup: boolean }[];
}

// Reference: rr, wrr→weights, lc→least_conn, sh→ip_hash. wlc is least_conn with weights.
const METHOD: Partial<Record<LbAlgo, string | null>> = { rr: null, wrr: null, lc: 'least_conn', wlc: 'least_conn', sh: 'ip_hash' };

// No fallback for a relative error_page: render's confinePath refuses it with the key named,
// instead of silently writing somewhere else.
export function errorPagePath(c: Cluster): string {
  return c.nginx.errorPage;
}

/**
 * The port nginx listens on for a service: `nginx.listen_port` for a service on the default port
 * (no `port:` of its own, or port 80), the service's own port otherwise. listen_port unset (80)
 * leaves every service where it was.
 */
export function nginxListenPort(c: Cluster, s: VirtualService): number {
  return s.port === DEFAULTS.service.port ? c.nginx.listenPort : s.port;
}

export function nginxClusterView(c: Cluster): NginxClusterView {
  const byPort = new Map<number, UpstreamView>();
  const names = new Map<number, Set<string>>();
  for (const s of c.services) {
    const port = nginxListenPort(c, s);
    let up = byPort.get(port);
    if (!up) {
      // An nginx identifier whatever the cluster's name: proxy_pass http://NAME must not gain a path.
      up = { name: `hafleet_${c.name.replace(/[^A-Za-z0-9_]/g, '_')}_${port}`, port, method: METHOD[s.lbAlgo] ?? null, servers: [] };
      byPort.set(port, up);
      names.set(port, new Set());
    }
    // The Host header names an IPv6 address in brackets (RFC 3986 §3.2.2), and so does server_name.
    names.get(port)!.add(s.vip.includes(':') ? `[${s.vip}]` : s.vip);
    for (const r of s.realServers) {
      if (!up.servers.some((x) => x.address === r.address && x.port === r.port)) {
        up.servers.push({ host: r.host, address: r.address, port: r.port, weight: r.weight, backup: r.backup });
      }
    }
  }
  const page = errorPagePath(c);
  return {
    upstreams: [...byPort.values()],
    servers: [...byPort.values()].map((u) => {
      const names_ = [...names.get(u.port)!];
      return { port: u.port, upstream: u.name, server_names: names_, listen6: names_.some((n) => n.startsWith('[')) };
    }),
    nginx: {
      proxy_connect_timeout: c.nginx.proxyConnectTimeout, proxy_read_timeout: c.nginx.proxyReadTimeout,
      proxy_send_timeout: c.nginx.proxySendTimeout, max_fails: c.nginx.maxFails, fail_timeout: c.nginx.failTimeout,
      keepalive: c.nginx.keepalive,
    },
    error_page: { path: page, root: posix.dirname(page), uri: '/' + posix.basename(page) },
  };
}

/** What nginx itself would refuse or silently change, said before anything is written. */
export function nginxDiagnostics(c: Cluster, host: string): Diagnostic[] {
  const ds: Diagnostic[] = [];
  for (const s of c.services) {
    if (!(s.lbAlgo in METHOD)) {
      ds.push(warning('nginx-lb-algo', `lb_algo ${s.lbAlgo} has no nginx equivalent; using round robin`, { ...c.where, host }, 'use rr, wrr, lc, wlc or sh in nginx mode'));
    }
    if (METHOD[s.lbAlgo] === 'ip_hash' && s.realServers.some((r) => r.backup)) {
      ds.push(error('nginx-backup-hash', `cluster ${c.name}: nginx refuses a backup server with ip_hash (lb_algo sh)`, { ...c.where, host }, 'drop realserver_backup or use another lb_algo'));
    }
  }
  return ds;
}
