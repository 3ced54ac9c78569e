import { spawn } from 'node:child_process';
import { error, type Result } from '../diagnostics/index.js';
import { enterArgs } from './host-start.js';
import { ADMIN_HOST, BASTION_HOST } from './names.js';
import type { LabState } from './state.js';

/**
 * The command line that runs `argv` inside the lab: in the admin namespace (no default route:
 * nothing can leave the machine), or on host `host`, in its network + mount + UTS namespaces
 * (entered through its init, so it sees the host's own /etc, /run, …).
 */
export function labCommand(s: LabState, host: string | undefined, argv: readonly string[]): Result<{ cmd: string; args: string[] }> {
  if (host === undefined || host === ADMIN_HOST) {
    return { ok: true, value: { cmd: 'ip', args: ['netns', 'exec', s.admin.netns, ...argv] }, diagnostics: [] };
  }
  const h = s.hosts.find((x) => x.name === host) ?? (host === BASTION_HOST ? s.bastion : undefined);
  if (!h || !h.initPid) {
    return { ok: false, diagnostics: [error('lab-unknown-host', `lab "${s.name}" has no host "${host}"`, { key: '--host', host }, `hosts: ${[ADMIN_HOST, ...s.hosts.map((x) => x.name)].join(', ')}`)] };
  }
  return { ok: true, value: { cmd: 'nsenter', args: [...enterArgs(h.initPid), ...argv] }, diagnostics: [] };
}

/** Runs with the caller's stdio (the CLI's `lab exec`); resolves with the exit code. */
export function execInherit(cmd: string, args: readonly string[], signal?: AbortSignal): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit' });
    // A Ctrl-C on a terminal reaches the whole foreground process group, the child included:
    // forwarding it too would be a second SIGINT, which hafleet commands take as "quit now,
    // skip the restore". Forward only when we were signalled alone (no terminal).
    const onAbort = () => {
      if (!process.stdin.isTTY) child.kill('SIGINT');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', () => resolve(127));
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', onAbort);
      resolve(code ?? (sig ? 128 : 1));
    });
  });
}
