import { error, warning, type Diagnostic } from '../diagnostics/index.js';
import { findConfig, type ConfigSearch } from './find.js';
import { parseIni } from './ini.js';
import { describeOrigin, resolveSettings, type Origin, type Settings } from './settings.js';

export interface AnsibleConfig {
  /** The ansible.cfg read, if any, and the places looked at. */
  file?: string;
  searched: string[];
  settings: Settings;
  /** ProxyJump taken from [ssh_connection] ssh_args, the one ssh_args option hafleet translates. */
  proxyJump?: string;
  diagnostics: Diagnostic[];
}

const where = (o: Origin) => (o.kind === 'file' ? { file: o.path, line: o.line, key: `${o.section}.${o.key}` } : o.kind === 'env' ? { key: o.name } : {});

/** ansible.cfg + ANSIBLE_* → the settings, each with its origin, and what hafleet makes of them. */
export function ansibleConfig(search: ConfigSearch, readFile: (path: string) => string): AnsibleConfig {
  const found = findConfig(search);
  const diagnostics: Diagnostic[] = found.warnings.map((w) => warning('ansible-cfg', w, { file: search.cwd }, 'move ansible.cfg out of the world-writable directory or point ANSIBLE_CONFIG at it'));
  let file: { path: string; ini: ReturnType<typeof parseIni>['file'] } | undefined;
  if (found.path) {
    let text = '';
    try {
      text = readFile(found.path);
    } catch (e) {
      diagnostics.push(error('ansible-cfg', `cannot read ${found.path}: ${(e as Error).message}`, { file: found.path }));
    }
    const parsed = parseIni(text);
    for (const p of parsed.problems) diagnostics.push(error('ansible-cfg', p.message, { file: found.path, line: p.line }, 'ansible.cfg is INI: [section] then key = value lines'));
    file = { path: found.path, ini: parsed.file };
  }
  const { settings, problems } = resolveSettings(file, search.env, search.cwd, search.home);
  for (const p of problems) diagnostics.push(error('ansible-cfg', `${p.setting}: ${p.message}`, where(p.origin), `fix ${describeOrigin(p.origin)}`));

  const hkc = settings.host_key_checking;
  if (hkc && hkc.value === false) {
    // hafleet never accepts an unknown or changed key: turning checking off would let anyone
    // on the path between admin box and director impersonate it and receive auth_pass.
    diagnostics.push(warning('host-key-checking', `host_key_checking = False (${describeOrigin(hkc.origin)}) is not followed: hafleet still verifies every host key`, where(hkc.origin),
      'record the keys once with --accept-new-host-keys (changed keys are still refused), or put them in known_hosts with ssh-keyscan and check their fingerprints'));
  }
  const ssh = settings.ssh_args;
  let proxyJump: string | undefined;
  if (ssh && ssh.origin.kind !== 'default') {
    const t = ssh.value.toString().split(/\s+/).filter(Boolean);
    for (let i = 0; i < t.length; i++) {
      const opt = t[i] === '-o' ? t[++i] ?? '' : t[i]!.startsWith('-o') ? t[i]!.slice(2) : undefined;
      if (t[i - 1] === '-J' || t[i] === '-J') { if (t[i] === '-J') proxyJump = t[++i]; continue; }
      if (opt === undefined) {
        if (t[i] !== '-C') diagnostics.push(warning('ssh-args', `ssh_args ${t[i]} has no meaning for hafleet's SSH client; ignored`, where(ssh.origin)));
        continue;
      }
      const m = /^(\w+)=(.*)$/.exec(opt);
      const name = m?.[1]?.toLowerCase();
      if (name === 'proxyjump') proxyJump = m![2];
      else if (name === 'controlmaster' || name === 'controlpersist' || name === 'controlpath') continue; // hafleet keeps its own connections open
      else diagnostics.push(warning('ssh-args', `ssh_args -o ${opt} is not translated; ignored`, where(ssh.origin), 'hafleet reads ProxyJump (and -J); set other options per host in ~/.ssh/config'));
    }
  }
  return { ...(file ? { file: file.path } : {}), searched: found.searched, settings, ...(proxyJump ? { proxyJump } : {}), diagnostics };
}
