import { error } from '../../diagnostics/index.js';
import { proxyJumpOf } from '../../inventory/index.js';
import { whereAt } from '../../topology/index.js';
import type { Rule } from '../rule.js';

const ARGS = ['ansible_ssh_common_args', 'ansible_ssh_extra_args'] as const;

/**
 * hafleet speaks SSH itself (ssh2) and follows a ProxyCommand only when it is a jump
 * (`ssh -W %h:%p bastion`). Any other ProxyCommand — a netcat, a socat, a fixed `-W host:port` —
 * would be skipped and the host dialled directly, around the proxy the operator relies on (a
 * firewall, an audit point): refused instead.
 */
export const sshProxyCommand: Rule = {
  code: 'ssh-proxy-command',
  summary: 'a ProxyCommand in ssh arguments that is not a jump (ssh -W %h:%p host)',
  check: ({ inv, topology }) => {
    const out = [];
    const seen = new Set<string>();
    for (const host of topology.roles.keys()) {
      const vars = inv.hosts.get(host)?.vars ?? {};
      for (const key of ARGS) {
        const v = vars[key];
        if (typeof v !== 'string' || !/proxycommand/i.test(v) || proxyJumpOf(v) !== undefined) continue;
        const w = whereAt(inv, host, [key], true);
        const id = `${key}@${w.file ?? host}:${w.line ?? ''}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push(error('ssh-proxy-command', `a ProxyCommand hafleet cannot follow (it connects with its own SSH client and follows only ssh -W %h:%p <jump host>); it would dial the host directly`,
          w, 'write it as -o ProxyJump=user@bastion (or ProxyCommand="ssh -W %h:%p user@bastion"), or set hafleet_proxy_jump'));
      }
    }
    return out;
  },
};
