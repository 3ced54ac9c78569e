/**
 * Differential test of src/ansible-config against ansible-core itself: generated ansible.cfg
 * files and ANSIBLE_* variables, resolved by hafleet and by `ansible-config dump --only-changed`
 * (the real binary, ~1 s each). Every setting hafleet follows must have the same value and origin.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ansibleConfig, type SettingName } from '../../src/ansible-config/index.js';

const CONFIGS = 24;

/** hafleet's setting → ansible-core's config name (lib/ansible/config/base.yml). */
const CORE_NAME: Partial<Record<SettingName, string>> = {
  inventory: 'DEFAULT_HOST_LIST', remote_user: 'DEFAULT_REMOTE_USER', remote_port: 'DEFAULT_REMOTE_PORT', private_key_file: 'DEFAULT_PRIVATE_KEY_FILE',
  forks: 'DEFAULT_FORKS', timeout: 'DEFAULT_TIMEOUT', host_key_checking: 'HOST_KEY_CHECKING', become: 'DEFAULT_BECOME',
  become_user: 'DEFAULT_BECOME_USER', become_method: 'DEFAULT_BECOME_METHOD', become_ask_pass: 'DEFAULT_BECOME_ASK_PASS',
  inventory_ignore_extensions: 'INVENTORY_IGNORE_EXTS', inventory_ignore_patterns: 'INVENTORY_IGNORE_PATTERNS',
};

/** A small seeded generator (mulberry32): the same configs every run. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case { cfg: string; env: Record<string, string> }

function generate(seed: number): Case {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const bool = () => pick(['yes', 'no', 'True', 'false', '1', '0', 'on', 'off', 'Y', 'n']);
  const sections: Record<string, string[]> = { defaults: [], privilege_escalation: [], inventory: [] };
  const env: Record<string, string> = {};
  const maybe = (p: number, f: () => void) => { if (r() < p) f(); };
  const key = (k: string) => (r() < 0.2 ? k.toUpperCase() : k);
  const sep = () => pick([' = ', '=', ': ', ' : ']);
  maybe(0.7, () => sections.defaults!.push(`${key(pick(['inventory', 'inventory', 'hostfile']))}${sep()}${pick(['hosts', 'inv/a, inv/b', '/abs/inv', '~/inv,other', 'x ; comment'])}`));
  maybe(0.6, () => sections.defaults!.push(`remote_user${sep()}${pick(['deploy', 'ops', 'root'])}`));
  maybe(0.3, () => sections.defaults!.push(`remote_port${sep()}${pick(['2222', '22'])}`));
  maybe(0.15, () => (env.ANSIBLE_REMOTE_PORT = '2200'));
  maybe(0.5, () => sections.defaults!.push(`private_key_file${sep()}${pick(['~/.ssh/id_lab', 'keys/id', '/etc/k'])}`));
  maybe(0.5, () => sections.defaults!.push(`forks${sep()}${pick(['7', '50', '1', '5'])}`));
  maybe(0.4, () => sections.defaults!.push(`timeout${sep()}${pick(['3', '30', '10'])}`));
  maybe(0.5, () => sections.defaults!.push(`host_key_checking${sep()}${bool()}`));
  maybe(0.3, () => sections.defaults!.push(`inventory_ignore_extensions${sep()}${pick(['.bak, .orig', '~,.swp'])}`));
  maybe(0.2, () => sections.inventory!.push(`ignore_patterns${sep()}${pick(['^tmp', 'secret'])}`));
  maybe(0.3, () => sections.inventory!.push(`ignore_extensions${sep()}${pick(['.old', '.x, .y'])}`));
  maybe(0.2, () => sections.defaults!.push(`inventory_ignore_patterns${sep()}${pick(['^a', 'b$'])}`));
  maybe(0.5, () => sections.privilege_escalation!.push(`become${sep()}${bool()}`));
  maybe(0.4, () => sections.privilege_escalation!.push(`become_user${sep()}${pick(['admin', 'root'])}`));
  maybe(0.3, () => sections.privilege_escalation!.push(`become_method${sep()}${pick(['sudo', 'su', 'doas'])}`));
  maybe(0.2, () => sections.privilege_escalation!.push(`become_ask_pass${sep()}${bool()}`));
  maybe(0.3, () => (env.ANSIBLE_REMOTE_USER = pick(['envuser', 'x'])));
  maybe(0.3, () => (env.ANSIBLE_FORKS = pick(['9', '12'])));
  maybe(0.2, () => (env.ANSIBLE_INVENTORY = pick(['e1,e2', 'envinv'])));
  maybe(0.2, () => (env.ANSIBLE_HOST_KEY_CHECKING = bool()));
  maybe(0.2, () => (env.ANSIBLE_BECOME = bool()));
  const text = Object.entries(sections).filter(([, l]) => l.length > 0 || r() < 0.3).map(([s, l]) => `# generated ${seed}\n[${s}]\n${l.join('\n')}\n`).join('\n');
  return { cfg: text, env };
}

interface DumpEntry { name: string; origin: string; value: unknown }

test(`ansible.cfg + ANSIBLE_* resolved as ansible-config dump --only-changed over ${CONFIGS} generated configs`, { timeout: 120_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'hafleet-cfg-oracle-'));
  const started = Date.now();
  try {
    const mismatches: string[] = [];
    let compared = 0;
    for (let i = 0; i < CONFIGS; i++) {
      const c = generate(7000 + i);
      const dir = join(root, `c${i}`);
      mkdirSync(dir);
      const file = join(dir, 'ansible.cfg');
      writeFileSync(file, c.cfg);
      const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root, LANG: 'C.UTF-8', ANSIBLE_CONFIG: file, ...c.env };
      const run = spawnSync('ansible-config', ['dump', '--only-changed', '--format', 'json'], { cwd: dir, env, encoding: 'utf8' });
      assert.equal(run.status, 0, `config ${i}: ansible-config failed: ${run.stderr}\n${c.cfg}`);
      const dump = new Map((JSON.parse(run.stdout) as DumpEntry[]).map((e) => [e.name, e]));
      const ours = ansibleConfig({ env, cwd: dir, home: root, readable: (p) => p === file, isDir: () => false, cwdWorldWritable: false }, (p) => readFileSync(p, 'utf8'));
      for (const [name, core] of Object.entries(CORE_NAME) as [SettingName, string][]) {
        const mine = ours.settings[name];
        const theirs = dump.get(core);
        const where = `config ${i} (${JSON.stringify(c.env)}):\n${c.cfg}\n${name}`;
        compared++;
        if (!mine || mine.origin.kind === 'default') {
          if (theirs) mismatches.push(`${where}: Ansible has ${JSON.stringify(theirs.value)} from ${theirs.origin}, hafleet the default`);
          continue;
        }
        if (!theirs) { mismatches.push(`${where}: hafleet has ${JSON.stringify(mine.value)}, Ansible the default`); continue; }
        const origin = mine.origin.kind === 'env' ? `env: ${mine.origin.name}` : mine.origin.kind === 'file' ? mine.origin.path : 'default';
        if (JSON.stringify(mine.value) !== JSON.stringify(theirs.value) || origin !== theirs.origin) {
          mismatches.push(`${where}: hafleet ${JSON.stringify(mine.value)} (${origin}), Ansible ${JSON.stringify(theirs.value)} (${theirs.origin})`);
        }
      }
    }
    console.log(`ansible-config diff: ${CONFIGS} configs, ${compared} settings compared with ansible-config dump, ${Date.now() - started} ms`);
    assert.equal(mismatches.length, 0, `${mismatches.length} mismatches:\n${mismatches.slice(0, 8).join('\n\n')}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
