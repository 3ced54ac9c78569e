/**
 * The attacks of the security review (issue 12), replayed against real hosts: a hostile value in
 * one inventory key must be refused before any host is contacted (exit 65, the key named), and
 * nothing may be created, read or deleted on a host outside what hafleet manages. A deploy record
 * tampered on a host must not make plan show, or deploy delete, a file outside the managed dirs.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startLab, type TestLab } from './support/lab.js';

let lab: TestLab;
let varsPath = '';
let hostsPath = '';
let baseVars = '';
let baseHosts = '';

const CANARY = '/root/secret.html';
const CANARY_TEXT = 'CANARY-7f3a-root-only';
/** Where the review's payloads wrote: $HOME (/root), /tmp and the working directory of the scripts. */
const PWNED = 'ls -d /root/hafleet-pwn /tmp/hafleet-pwn /hafleet-pwn /var/lib/hafleet/hafleet-pwn 2>/dev/null; true';
/** Every file in the places a run could touch, with mode, size and mtime: equal before and after = untouched. */
const SNAPSHOT = "find /etc/keepalived /etc/nginx /usr/local/sbin /usr/share/hafleet /var/lib/hafleet /root /tmp -xdev -printf '%p %m %s %T@\\n' 2>/dev/null | sort";

async function snapshot(): Promise<string> {
  const parts: string[] = [];
  for (const h of lab.hosts.filter((x) => x.role === 'director')) parts.push(`## ${h.name}\n${(await lab.hostExec(h.name, SNAPSHOT)).stdout}`);
  return parts.join('\n');
}

async function pwned(): Promise<string> {
  let out = '';
  for (const h of lab.hosts) out += (await lab.hostExec(h.name, PWNED)).stdout;
  return out.trim();
}

function restore(): void {
  writeFileSync(varsPath, baseVars, { mode: 0o600 });
  writeFileSync(hostsPath, baseHosts);
}

/** The cluster's group_vars with extra cluster-level YAML appended (indented under the cluster). */
function withClusterYaml(yaml: string): void {
  writeFileSync(varsPath, `${baseVars.trimEnd()}\n${yaml}\n`, { mode: 0o600 });
}

interface Attack {
  name: string;
  /** Inventory key the refusal must name. */
  key: RegExp;
  apply(): void;
}

const attacks: Attack[] = [
  {
    name: 'shell injection through nginx.error_page',
    key: /error_page/,
    apply: () => withClusterYaml(`    nginx:\n      error_page: '/usr/share/hafleet/a";cd;id>hafleet-pwn;"b.html'`),
  },
  {
    name: 'path traversal through nginx.error_page onto a root-only file',
    key: /error_page/,
    apply: () => withClusterYaml(`    nginx:\n      error_page: /usr/share/hafleet/../../../root/secret.html`),
  },
  {
    name: 'a host name with a command substitution',
    key: /lb2\$\(id>\/tmp\/hafleet-pwn\)/,
    apply: () => writeFileSync(hostsPath, baseHosts.replace(/^(\s+)lb2:$/m, "$1'lb2$(id>/tmp/hafleet-pwn)':")),
  },
  {
    name: 'a multi-line auth_pass that adds a notify_master run as root',
    key: /auth_pass/,
    apply: () => writeFileSync(varsPath, baseVars.replace(/auth_pass: .*/, 'auth_pass: "abc\\n    notify_master \\"/usr/bin/touch /tmp/hafleet-pwn\\" root"'), { mode: 0o600 }),
  },
  {
    name: 'a newline in a director\'s vrrp_interface',
    key: /vrrp_interface/,
    apply: () => writeFileSync(hostsPath, baseHosts.replace(/^(\s+)lb1:\n(\s+)ansible_host: (.*)$/m, '$1lb1:\n$2ansible_host: $3\n$2vrrp_interface: "eth0\\n    notify_master /usr/bin/touch"')),
  },
  {
    name: 'a track script with shell syntax',
    key: /script/,
    apply: () => withClusterYaml(`    track:\n      nginx:\n        script: '/usr/local/sbin/hafleet-check-nginx; touch /tmp/hafleet-pwn'`),
  },
  {
    name: 'a notify log file with a command substitution',
    key: /log_file/,
    apply: () => withClusterYaml(`    notify:\n      log_file: '/var/log/x$(id>/tmp/hafleet-pwn).log'`),
  },
];

describe('hostile inventory values against a real 2+1 lab', { timeout: 600_000 }, () => {
  before(async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 1 });
    hostsPath = lab.inventoryPath;
    varsPath = join(dirname(lab.inventoryPath), 'group_vars', 'all.yml');
    baseVars = readFileSync(varsPath, 'utf8');
    baseHosts = readFileSync(hostsPath, 'utf8');
    const first = await lab.hafleetJson(['deploy', '-i', lab.inventoryPath, '--yes', '--json'], { timeoutMs: 180_000 });
    assert.equal(first.code, 0, first.stderr);
    for (const h of ['lb1', 'lb2']) await lab.hostExec(h, `umask 077; printf '%s' ${CANARY_TEXT} > ${CANARY}`);
  });
  after(async () => {
    await lab?.down();
  });

  for (const a of attacks) {
    it(`${a.name}: plan and deploy refuse it (65, key named) and touch nothing`, async () => {
      const before = await snapshot();
      a.apply();
      try {
        for (const cmd of [['plan'], ['deploy', '--yes']]) {
          const r = await lab.hafleet([...cmd, '-i', lab.inventoryPath], { timeoutMs: 120_000 });
          assert.equal(r.code, 65, `${cmd[0]}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
          assert.match(r.stderr, a.key, `${cmd[0]} names the key`);
          assert.ok(!r.stdout.includes(CANARY_TEXT) && !r.stderr.includes(CANARY_TEXT), 'never shows the root-only file');
        }
      } finally {
        restore();
      }
      assert.equal(await pwned(), '', 'no payload ran');
      assert.equal(await snapshot(), before, 'no file created, changed or removed on a director');
    });
  }

  it('a tampered deploy record pointing outside the managed dirs: not shown by plan, not deleted by deploy', async () => {
    const record = JSON.parse((await lab.hostExec('lb1', 'cat /var/lib/hafleet/last-deploy.json')).stdout);
    record.files.push({ path: `/usr/share/hafleet/../../..${CANARY}`, sha256: '0'.repeat(64) }, { path: CANARY, sha256: '0'.repeat(64) });
    await lab.hostExec('lb1', `umask 077; cat > /var/lib/hafleet/last-deploy.json`, { input: JSON.stringify(record) });
    const plan = await lab.hafleet(['plan', '-i', lab.inventoryPath], { timeoutMs: 120_000 });
    assert.ok([0, 2].includes(plan.code), plan.stderr);
    assert.ok(!plan.stdout.includes(CANARY_TEXT), 'plan does not print the file');
    assert.ok(!plan.stdout.includes('secret.html'), 'plan lists no removal outside the managed dirs');
    const dep = await lab.hafleet(['deploy', '-i', lab.inventoryPath, '--yes'], { timeoutMs: 180_000 });
    assert.equal(dep.code, 0, dep.stderr);
    assert.equal((await lab.hostExec('lb1', `cat ${CANARY}; stat -c %a ${CANARY}`)).stdout, `${CANARY_TEXT}600\n`);
  });

  it('after every refusal the fleet is still as deployed: a new plan has nothing to change', async () => {
    const r = await lab.hafleet(['plan', '-i', lab.inventoryPath, '--detailed-exitcode'], { timeoutMs: 120_000 });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});
