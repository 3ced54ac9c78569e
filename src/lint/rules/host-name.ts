import { relative, resolve } from 'node:path';
import { error, type Where } from '../../diagnostics/index.js';
import type { Inventory } from '../../inventory/types.js';
import { describeValue, isSafeName } from '../../topology/index.js';
import type { Rule } from '../rule.js';

/** Where a host is declared (its inventory line), file relative to the inventory dir. */
function declaredAt(inv: Inventory, host: string): Where {
  const w = inv.whereOf(host, []);
  const out: Where = {};
  if (w.file) out.file = relative(resolve(inv.dir), resolve(w.file)) || w.file;
  if (w.line !== undefined) out.line = w.line;
  if (w.col !== undefined) out.col = w.col;
  return out;
}

/**
 * Ansible accepts almost any inventory name; hafleet writes directors' and realservers' names into
 * keepalived.conf (router_id, comments), nginx configs and the root scripts keepalived runs, so a
 * name must be one no config or shell can read more into. The host is named by its declaration
 * (the name itself is what is wrong, so `host` is not repeated unescaped in the message).
 */
export const hostName: Rule = {
  code: 'host-name',
  summary: 'a director or realserver whose inventory name cannot be written safely into configs and scripts',
  check: ({ inv, topology }) => [...topology.roles.keys()].filter((h) => !isSafeName(h)).map((h) =>
    error('host-name', `host name ${describeValue(h)} is not a safe name (letters, digits, . - _ and : for IPv6, at most 253, not starting with - or .)`,
      declaredAt(inv, h),
      'rename the host in the inventory and put its address in ansible_host')),
};
