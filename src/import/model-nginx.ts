/**
 * nginx upstreams of the directors → realservers with weights, backup, max_fails/fail_timeout.
 * Reads `nginx -T` (nginx's own view, split into its files) or, without nginx, the files read,
 * with the nginx-conf structure parser; every upstream block at any depth counts.
 */
import { parseNginx, parseNginxDump, type NginxDirective } from '../nginx-conf/index.js';
import type { HostSnapshot } from './snapshot.js';

export interface UpstreamServer {
  address: string;
  port: number;
  weight?: number;
  backup: boolean;
  maxFails?: number;
  failTimeout?: string;
  from: string;
}

export function upstreamServers(s: HostSnapshot): UpstreamServer[] {
  const trees = s.nginxDump && s.nginxDump.exitCode === 0
    ? parseNginxDump(s.nginxDump.text).map((f) => f.tree)
    : [...s.files].filter(([p, f]) => s.roles.get(p) === 'nginx' && f.kind === 'text').map(([p, f]) => parseNginx((f as { text: string }).text, p));
  const out: UpstreamServer[] = [];
  const walk = (ds: readonly NginxDirective[], inUpstream: boolean): void => {
    for (const d of ds) {
      if (inUpstream && d.name === 'server' && d.args[0]) {
        const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d+))?$/.exec(d.args[0]);
        if (!m) continue;
        const val = (k: string) => d.args.find((a) => a.startsWith(k + '='))?.slice(k.length + 1);
        out.push({
          address: m[1]!, port: Number(m[2] ?? 80), backup: d.args.includes('backup'),
          ...(val('weight') ? { weight: Number(val('weight')) } : {}),
          ...(val('max_fails') ? { maxFails: Number(val('max_fails')) } : {}),
          ...(val('fail_timeout') ? { failTimeout: val('fail_timeout')! } : {}),
          from: `${s.host}:${d.where.file ?? '?'}:${d.where.line ?? '?'}`,
        });
      }
      if (d.block) walk(d.block, d.name === 'upstream');
    }
  };
  for (const t of trees) walk(t.directives, false);
  return out;
}
