/**
 * Inventories as Ansible users have them, against a real lab (issue 18): an executable inventory
 * script, and an ansible.cfg-only setup (no -i: ansible.cfg names the inventory, the login user
 * and the key). Both run plan, deploy and verify.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { REPO_ROOT, startLab, type TestLab } from './support/lab.js';

const CLI_MAIN = join(REPO_ROOT, 'src', 'cli', 'main.ts');
// tsx by absolute path: the CLI runs in a working directory outside the checkout.
const TSX = import.meta.resolve('tsx');

// No inventory from this process's environment: the ansible.cfg under test must be what counts.
const env = (): NodeJS.ProcessEnv => {
  const e = { ...process.env };
  for (const k of Object.keys(e)) if (k === 'HAFLEET_INVENTORY' || k.startsWith('ANSIBLE_')) delete e[k];
  return e;
};

describe('inventory sources in the lab', { timeout: 170_000 }, () => {
  let lab: TestLab;
  let work: string;
  /** `hafleet ARGS` in the admin namespace with `cwd` as the working directory. */
  const hafleetIn = (cwd: string, args: readonly string[]) =>
    lab.adminExec('sh', ['-c', 'cd "$1" && shift && exec "$@"', 'sh', cwd, process.execPath, '--import', TSX, CLI_MAIN, ...args], { env: env(), timeoutMs: 90_000 });

  before(async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 1 });
    work = mkdtempSync(join(tmpdir(), 'hafleet-inv-lab-'));
  });
  after(async () => {
    await lab?.down();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ansible.cfg alone (no -i): inventory, remote_user and private_key_file from it; plan, deploy, verify', async () => {
    const dir = join(work, 'cfg');
    const inv = join(dir, 'inventory');
    mkdirSync(join(inv, 'group_vars'), { recursive: true });
    writeFileSync(join(inv, 'hosts.yml'), readFileSync(lab.inventoryPath, 'utf8'));
    // The lab's all.yml without the connection variables: ansible.cfg gives them now.
    const all = readFileSync(join(dirname(lab.inventoryPath), 'group_vars', 'all.yml'), 'utf8')
      .split('\n').filter((l) => !/^(ansible_user|ansible_ssh_private_key_file):/.test(l)).join('\n');
    assert.ok(!/ansible_user|private_key/.test(all));
    writeFileSync(join(inv, 'group_vars', 'all.yml'), all, { mode: 0o600 });
    writeFileSync(join(dir, 'ansible.cfg'), `[defaults]\ninventory = inventory/hosts.yml\nremote_user = root\nprivate_key_file = ${lab.privateKey}\nforks = 3\n`);

    const plan = await hafleetIn(dir, ['plan', '--detailed-exitcode']);
    assert.equal(plan.code, 2, `plan: ${plan.stderr}\n${plan.stdout}`);
    const deploy = await hafleetIn(dir, ['deploy', '--yes']);
    assert.equal(deploy.code, 0, `deploy: ${deploy.stderr}\n${deploy.stdout}`);
    await lab.waitForVipHolder(undefined, { timeoutMs: 20_000 });
    const verify = await hafleetIn(dir, ['verify']);
    assert.equal(verify.code, 0, `verify: ${verify.stderr}\n${verify.stdout}`);
    const again = await hafleetIn(dir, ['plan', '--detailed-exitcode']);
    assert.equal(again.code, 0, `second plan must find nothing to change: ${again.stderr}\n${again.stdout}`);

    // Control: the same directory without ansible.cfg has no inventory (exit 64), and without
    // private_key_file the hosts cannot be reached: the settings above are what made it work.
    rmSync(join(dir, 'ansible.cfg'));
    const none = await hafleetIn(dir, ['plan']);
    assert.equal(none.code, 64, none.stderr);
    assert.match(none.stderr, /no inventory: pass -i PATH, set HAFLEET_INVENTORY, or set inventory in ansible\.cfg/);
    writeFileSync(join(dir, 'ansible.cfg'), `[defaults]\ninventory = inventory/hosts.yml\nremote_user = root\nprivate_key_file = ${join(work, 'no-such-key')}\n`);
    const noKey = await hafleetIn(dir, ['plan']);
    assert.notEqual(noKey.code, 0, 'a wrong private_key_file from ansible.cfg must be used (and fail)');
  });

  it('an executable inventory script (--list with _meta.hostvars): plan, deploy, verify', async () => {
    const dir = join(work, 'script');
    mkdirSync(dir, { recursive: true });
    const allVars = parse(readFileSync(join(dirname(lab.inventoryPath), 'group_vars', 'all.yml'), 'utf8')) as Record<string, unknown>;
    const hostvars = Object.fromEntries(lab.hosts.map((h) => [h.name, {
      ansible_host: h.address, ansible_user: 'root', ansible_ssh_private_key_file: lab.privateKey, hafleet_known_hosts: lab.knownHosts,
    }]));
    const { ansible_user: _u, ansible_ssh_private_key_file: _k, hafleet_known_hosts: _h, ...shared } = allVars;
    const doc = {
      all: { vars: shared },
      directors: { hosts: lab.hosts.filter((h) => h.role === 'director').map((h) => h.name) },
      realservers: { hosts: lab.hosts.filter((h) => h.role === 'realserver').map((h) => h.name) },
      _meta: { hostvars },
    };
    const script = join(dir, 'cmdb.py');
    writeFileSync(script, `#!/usr/bin/env python3
import json, sys
DOC = json.loads(${JSON.stringify(JSON.stringify(doc))})
if sys.argv[1:] == ['--list']:
    print(json.dumps(DOC))
elif sys.argv[1:2] == ['--host']:
    print(json.dumps(DOC['_meta']['hostvars'].get(sys.argv[2], {})))
else:
    sys.exit('usage: cmdb.py --list | --host H')
`, { mode: 0o700 });
    chmodSync(script, 0o700);

    // The lab is deployed by the test above when it ran; either way the script's fleet is the same fleet.
    const plan = await hafleetIn(dir, ['plan', '-i', script, '--json']);
    assert.ok(plan.code === 0 || plan.code === 2, `plan: ${plan.stderr}`);
    const hostsPlanned = (JSON.parse(plan.stdout) as { hosts: { host: string }[] }).hosts.map((h) => h.host).sort();
    assert.deepEqual(hostsPlanned, lab.hosts.map((h) => h.name).sort());
    const deploy = await hafleetIn(dir, ['deploy', '-i', script, '--yes']);
    assert.equal(deploy.code, 0, `deploy: ${deploy.stderr}\n${deploy.stdout}`);
    await lab.waitForVipHolder(undefined, { timeoutMs: 20_000 });
    const verify = await hafleetIn(dir, ['verify', '-i', script]);
    assert.equal(verify.code, 0, `verify: ${verify.stderr}\n${verify.stdout}`);
    const again = await hafleetIn(dir, ['plan', '-i', script, '--detailed-exitcode']);
    assert.equal(again.code, 0, `second plan must find nothing to change: ${again.stderr}\n${again.stdout}`);
  });
});
