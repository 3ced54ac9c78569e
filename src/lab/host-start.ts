import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { LabHostPlan } from './names.js';
import { hostMounts, initScript } from './host-files.js';
import { REPO_ROOT } from './inventory-files.js';
import { LabStepError, must, spawnDaemon } from './run.js';
import { waitListening } from './procs.js';
import type { LabHostState } from './state.js';

const SSHD_READY_MS = 10_000;

/** Paths every host must see as the machine does: this checkout and the node binary's folder. */
function keepVisible(): string[] {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  return [...new Set([real(REPO_ROOT), real(dirname(process.execPath))])];
}

/** `nsenter` into the host's namespaces: the init's mount ns is where the host's files are. */
export function enterArgs(initPid: number): string[] {
  return ['-t', String(initPid), '-m', '-n', '-u', '--'];
}

/**
 * Brings one host to life inside its (already created) network namespace: the init process,
 * sshd and, on realservers, the backend nginx. Each pid is stored in `rec` as soon as it is
 * known and `save` is called, so a crash midway leaves a state file that names it. `find`
 * locates sshd and nginx (sshd must be started by its absolute path to re-exec itself).
 */
export async function startHost(h: LabHostPlan, dir: string, prefixLen: number, rec: LabHostState, save: () => Promise<void>, find: (bin: string) => string | null): Promise<void> {
  const init = await spawnDaemon('ip', ['netns', 'exec', h.netns, 'unshare', '--mount', '--uts', '--propagation', 'private', 'sh', '-c', initScript(dir, h, prefixLen, keepVisible())], { waitLine: 'ready' });
  rec.initPid = init.pid;
  rec.mounts = hostMounts(dir);
  await save();

  const sshd = await spawnDaemon('nsenter', [...enterArgs(init.pid), find('sshd') ?? '/usr/sbin/sshd', '-D', '-f', '/etc/ssh/sshd_config', '-E', '/var/log/sshd.log']);
  rec.sshdPid = sshd.pid;
  await save();

  if (h.role === 'realserver') {
    await must('nsenter', [...enterArgs(init.pid), find('nginx') ?? '/usr/sbin/nginx']);
    rec.nginxPid = Number((await readFile(join(dir, 'run', 'nginx.pid'), 'utf8')).trim());
    await save();
  }
  if (!(await waitListening(sshd.pid, 22, SSHD_READY_MS))) {
    const log = await readFile(join(dir, 'var-log', 'sshd.log'), 'utf8').catch(() => '');
    throw new LabStepError(`${h.name}: sshd did not listen on ${h.address}:22 within ${SSHD_READY_MS} ms ${log.trim()}`);
  }
}
