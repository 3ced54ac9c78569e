/**
 * What an nginx file change does: both versions parsed into directives (src/nginx-conf) and
 * compared by structure, so reordered blocks, comments, quoting and whitespace are no change.
 * `include` lines are compared as lines and not followed: each included file hafleet manages is a
 * file of the plan of its own.
 */
import { parseNginx, type NginxDirective } from '../nginx-conf/index.js';
import { diffTrees, type ConfNode } from './behaviour-tree.js';

/** nginx's defaults for an upstream `server` (ngx_http_upstream_module): adding `weight=1` is no change. */
const UPSTREAM_SERVER = { weight: '1', max_fails: '1', fail_timeout: '10s' };

const toNodes = (l: readonly NginxDirective[]): ConfNode[] => l.map((d) => ({ name: d.name, args: d.args, ...(d.block ? { block: toNodes(d.block) } : {}) }));

export function nginxBehaviour(path: string, old: string, now: string): string[] {
  const a = parseNginx(old, path);
  const b = parseNginx(now, path);
  return diffTrees(toNodes(a.directives), toNodes(b.directives), {
    paramDefaults: { server: UPSTREAM_SERVER },
    secret: (n) => /(^|_)(password|secret)$/.test(n),
  });
}
