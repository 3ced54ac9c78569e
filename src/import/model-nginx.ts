/**
 * nginx upstreams of the directors → realservers with weights, backup, max_fails/fail_timeout.
 * Reads `nginx -T` (nginx's own view) or the files. A stop-gap reader of `upstream` blocks only,
 * until the nginx structure parser (src/nginx-conf) lands; it takes nothing else from nginx.
 */
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
  const texts: { file: string; text: string }[] = [];
  if (s.nginxDump && s.nginxDump.exitCode === 0) texts.push({ file: 'nginx -T', text: s.nginxDump.text });
  else for (const [p, f] of s.files) if (s.roles.get(p) === 'nginx' && f.kind === 'text') texts.push({ file: p, text: f.text });
  const out: UpstreamServer[] = [];
  for (const { file, text } of texts) {
    const lines = text.split('\n');
    let inUp = false;
    let curFile = file;
    lines.forEach((raw, i) => {
      const m = /^# configuration file (\S+):$/.exec(raw);
      if (m) curFile = m[1]!;
      const l = raw.replace(/#.*/, '').trim();
      if (/^upstream\s+\S+\s*\{/.test(l)) inUp = true;
      else if (inUp && l.startsWith('}')) inUp = false;
      else if (inUp) {
        const sm = /^server\s+([0-9.]+)(?::(\d+))?((?:\s+[a-z_]+(?:=\S+)?)*)\s*;/.exec(l);
        if (!sm) return;
        const params = sm[3]!.trim().split(/\s+/).filter(Boolean);
        const val = (k: string) => params.find((p) => p.startsWith(k + '='))?.slice(k.length + 1);
        out.push({
          address: sm[1]!, port: Number(sm[2] ?? 80), backup: params.includes('backup'),
          ...(val('weight') ? { weight: Number(val('weight')) } : {}),
          ...(val('max_fails') ? { maxFails: Number(val('max_fails')) } : {}),
          ...(val('fail_timeout') ? { failTimeout: val('fail_timeout')! } : {}),
          from: `${s.host}:${curFile === 'nginx -T' ? 'nginx -T' : curFile}:${curFile === file ? i + 1 : '?'}`,
        });
      }
    });
  }
  return out;
}
