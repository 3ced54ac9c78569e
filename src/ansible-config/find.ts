import { join, resolve } from 'node:path';

/** What finding ansible.cfg needs of the machine: passed in, so the search is a pure function. */
export interface ConfigSearch {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  home: string;
  /** Whether a path is a readable file / a directory, and whether cwd is world-writable. */
  readable(path: string): boolean;
  isDir(path: string): boolean;
  cwdWorldWritable: boolean;
}

export interface FoundConfig {
  /** The file used, if any. */
  path?: string;
  /** Candidates in Ansible's order, for `hafleet config`. */
  searched: string[];
  /** Why a candidate was passed over (a world-writable cwd). */
  warnings: string[];
}

/**
 * ansible.cfg as ansible-core's find_ini_config_file finds it, first readable wins:
 * $ANSIBLE_CONFIG (a directory means its ansible.cfg), ./ansible.cfg unless the current
 * directory is world-writable (anyone could plant one there), ~/.ansible.cfg,
 * /etc/ansible/ansible.cfg. Only one file is ever read; settings are not merged across them.
 */
export function findConfig(s: ConfigSearch): FoundConfig {
  const searched: string[] = [];
  const warnings: string[] = [];
  const fromEnv = s.env.ANSIBLE_CONFIG;
  if (fromEnv !== undefined) {
    const p = resolve(s.cwd, expandHome(fromEnv, s.home));
    searched.push(s.isDir(p) ? join(p, 'ansible.cfg') : p);
  }
  const cwdCfg = join(s.cwd, 'ansible.cfg');
  if (!s.cwdWorldWritable) searched.push(cwdCfg);
  else if (s.readable(cwdCfg)) warnings.push(`${s.cwd} is world-writable: its ansible.cfg is ignored, as Ansible does`);
  searched.push(join(s.home, '.ansible.cfg'), '/etc/ansible/ansible.cfg');
  const path = searched.find((p) => s.readable(p));
  return { ...(path !== undefined ? { path } : {}), searched, warnings };
}

export function expandHome(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p;
}
