/** Defaults the builder fills in; docs/reference.md lists the same values. */
export const DEFAULTS = {
  engine: 'keepalived',
  vrrp: {
    version: 2, advertInt: 1, preempt: true, preemptDelaySec: 0, unicast: false,
    garpMasterDelaySec: 5, garpMasterRepeat: 5, garpMasterRefreshSec: 0, smtpAlert: false,
  },
  service: { port: 80, protocol: 'TCP', lbAlgo: 'rr', persistenceTimeoutSec: 0 },
  healthCheck: { type: 'HTTP_GET', path: '/', status: 200, connectTimeoutSec: 3, retry: 3, delayBeforeRetrySec: 3, delayLoopSec: 6 },
  trackNginx: {
    name: 'chk_nginx', script: '/usr/local/sbin/hafleet-check-nginx',
    intervalSec: 2, timeoutSec: 2, weight: -60, fall: 2, rise: 2, user: 'nobody',
  },
  notify: { script: '/usr/local/sbin/hafleet-notify', logFile: '/var/log/hafleet-notify.log', user: 'root' },
  nginx: {
    listenPort: 80, proxyConnectTimeout: '2s', proxyReadTimeout: '30s', proxySendTimeout: '30s',
    maxFails: 2, failTimeout: '10s', keepalive: 16, errorPage: '/usr/share/hafleet/503.html',
  },
  realserver: { weight: 1, backup: false },
} as const;

/** Derived priorities by position: the master (or first director) 150, then 100, 90, 80, … 1. */
export function derivedPriority(position: number): number {
  if (position === 0) return 150;
  return Math.max(1, 100 - 10 * (position - 1));
}
