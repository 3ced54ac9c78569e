/**
 * hafleet import, the other runbook styles, in one lab (import.test.ts runs the single-VIP one):
 * - running: dual-master (two instances, each director MASTER of one) over unicast peers, mail
 *   alerts (notification_email/smtp_server in global_defs, smtp_alert on every instance), a notify
 *   script that logs every transition, script security on, nginx upstream with a backup server.
 *   import → plan: behaviour [] for every keepalived.conf and nginx file → deploy: no VIP address
 *   event on either director and no line in the transition log → verify passes.
 * - LVS-DR (virtual_server, TCP_CHECK, persistence_timeout, weights) cannot run here: this kernel
 *   has no ip_vs, and keepalived 2.2.7 then ends altogether ("IPVS: Can't initialize ipvs" → the
 *   checker's permanent error terminates it). So it goes through `import --from-files` (the copies
 *   an operator has), then the originals are put on the directors and `plan` shows behaviour [] and
 *   runs its on-host check (keepalived -t) on the rendered config; no deploy.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startLab, type TestLab } from './support/lab.js';
import { waitFor } from './support/wait.js';

let lab: TestLab;
let work: string;
const d = (i: number) => lab.hosts.filter((h) => h.role === 'director')[i]!;
const r = (i: number) => lab.hosts.filter((h) => h.role === 'realserver')[i]!;
/** Further VIPs of the lab's /24: .101 (second instance), .110 (LVS). */
const vipAt = (last: number) => lab.vip.replace(/\.\d+$/, `.${last}`);
const LOG = '/var/log/ka-transitions.log';

/** Who holds VI_A's and VI_B's VIPs, as `holdersA holdersB` (the lab's status knows only its first VIP). */
async function heldBy(): Promise<string> {
  const held = await Promise.all([d(0), d(1)].map(async (h) => ({ h: h.name, a: (await lab.hostExec(h.name, 'ip -o -4 addr show dev eth0')).stdout })));
  const who = (vip: string) => held.filter((x) => x.a.includes(` ${vip}/`)).map((x) => x.h).join('+') || 'nobody';
  return `${who(lab.vip)} ${who(vipAt(101))}`;
}

function instance(name: string, vrid: number, vip: string, label: string, mine: boolean, self: string, peer: string): string {
  return `vrrp_instance ${name} {
    state ${mine ? 'MASTER' : 'BACKUP'}
    interface eth0
    virtual_router_id ${vrid}
    priority ${mine ? 150 : 100}
    advert_int 1
    unicast_src_ip ${self}
    unicast_peer {
        ${peer}
    }
    authentication {
        auth_type PASS
        auth_pass dm${vrid}
    }
    virtual_ipaddress {
        ${vip}/24 dev eth0 label eth0:${label}
    }
    smtp_alert
    notify /usr/local/sbin/ka-notify.sh
}
`;
}

/** Dual-master over unicast, mail alerts, a notify log, script security on (another runbook's habit). */
function dualMaster(i: number): string {
  const me = d(i);
  const peer = d(1 - i);
  return `! dual-master, unicast (runbook style)
global_defs {
   notification_email {
     ops@example.com
   }
   notification_email_from keepalived@${me.name}.example.com
   smtp_server 127.0.0.1
   smtp_connect_timeout 5
   router_id ${me.name}
   enable_script_security
   script_user root
}

${instance('VI_A', lab.state.vrid, lab.vip, 'a', i === 0, me.address, peer.address)}
${instance('VI_B', lab.state.vrid + 1, vipAt(101), 'b', i === 1, me.address, peer.address)}`;
}

const upstream = () => `upstream app {
    server ${r(0).address}:80 max_fails=2 fail_timeout=4s;
    server ${r(1).address}:80 backup;
}
server {
    listen 8080;
    location / { proxy_pass http://app; }
}
`;

/** LVS-DR as in the LVS howto: wlc, persistence, TCP_CHECK, weights. */
function lvsDr(i: number): string {
  const vip = vipAt(110);
  const rs = (h: { address: string }, w: number) => `    real_server ${h.address} 80 {
        weight ${w}
        TCP_CHECK {
            connect_timeout 3
            retry 3
            delay_before_retry 3
        }
    }
`;
  return `global_defs {
    router_id ${d(i).name}
}
vrrp_instance VI_LVS {
    state ${i === 0 ? 'MASTER' : 'BACKUP'}
    interface eth0
    virtual_router_id ${lab.state.vrid + 2}
    priority ${i === 0 ? 150 : 100}
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass lvs${lab.state.vrid}
    }
    virtual_ipaddress {
        ${vip}/24 dev eth0 label eth0:lvs
    }
}
virtual_server ${vip} 80 {
    delay_loop 6
    lb_algo wlc
    lb_kind DR
    persistence_timeout 300
    protocol TCP

${rs(r(0), 3)}${rs(r(1), 1)}}
`;
}

/** Every keepalived.conf / nginx update of a plan --json: `host:path: line` per behaviour line. */
function behaviourOf(doc: any): { lines: string[]; updates: string[] } {
  const lines: string[] = [];
  const updates: string[] = [];
  for (const h of doc.hosts ?? []) {
    for (const c of h.changes ?? []) {
      if (c.kind !== 'update' || !/keepalived\.conf$|\/nginx\//.test(c.path)) continue;
      updates.push(`${h.host}:${c.path}`);
      assert.ok(Array.isArray(c.behaviour), `${h.host}:${c.path} has no behaviour`);
      for (const b of c.behaviour) lines.push(`${h.host}:${c.path}: ${b}`);
    }
  }
  return { lines, updates };
}

describe('hafleet import: dual-master, unicast, mail alerts, notify log, upstream backup; LVS-DR from files', { timeout: 900_000 }, () => {
  let inv: string;
  const out = () => path.join(work, 'adopted');

  before(async () => {
    lab = await startLab(undefined, { directors: 2, realservers: 2 });
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-import-styles-'));
    for (const [i, h] of [d(0), d(1)].entries()) {
      const dir = lab.hostDir(h.name);
      fs.writeFileSync(path.join(dir, 'etc-keepalived', 'keepalived.conf'), dualMaster(i));
      fs.writeFileSync(path.join(dir, 'usr-local-sbin', 'ka-notify.sh'), `#!/bin/sh\n# every transition: TYPE NAME STATE PRIORITY\necho "$(date +%s) $*" >> ${LOG}\n`, { mode: 0o755 });
      fs.mkdirSync(path.join(dir, 'etc-nginx', 'conf.d'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'etc-nginx', 'conf.d', 'app.conf'), upstream());
      const n = await lab.hostExec(h.name, 'nginx -t && nginx');
      assert.equal(n.code, 0, n.stderr);
      const k = await lab.hostExec(h.name, 'keepalived');
      assert.equal(k.code, 0, k.stderr);
    }
    await waitFor('VI_A on the first director, VI_B on the second', async () => (await heldBy()) === `${d(0).name} ${d(1).name}`, { timeoutMs: 30_000, intervalMs: 200 });
    inv = path.join(work, 'hosts.yml');
    const row = (h: { name: string; address: string }) => `        ${h.name}: { ansible_host: ${h.address} }\n`;
    fs.writeFileSync(inv, `all:\n  vars:\n    ansible_user: root\n    ansible_ssh_private_key_file: ${lab.privateKey}\n    hafleet_known_hosts: ${lab.knownHosts}\n    service_manager: direct\n  children:\n    directors:\n      hosts:\n${row(d(0))}${row(d(1))}    webservers:\n      hosts:\n${row(r(0))}${row(r(1))}`);
  });
  after(async () => {
    await lab?.down();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('running dual-master fleet: import → plan behaviour [] → deploy with no VRRP transition → verify', async () => {
    const t0 = Date.now();
    const imp = await lab.hafleet(['import', '-i', inv, '--out', out()], { timeoutMs: 120_000 });
    console.log(`# import of ${lab.hosts.length} hosts: ${Date.now() - t0} ms`);
    assert.equal(imp.code, 0, imp.stderr);
    const all = fs.readFileSync(path.join(out(), 'group_vars', 'all.yml'), 'utf8');
    // One cluster, two instances, each director first in its own; unicast; mail kept verbatim.
    assert.match(all, new RegExp(`vrid: ${lab.state.vrid}\\b`));
    assert.match(all, new RegExp(`vrid: ${lab.state.vrid + 1}\\b`));
    assert.match(all, /unicast: true/);
    assert.match(all, /backup: "\/usr\/local\/sbin\/ka-notify.sh"|script: "\/usr\/local\/sbin\/ka-notify.sh"/);
    const hv = fs.readFileSync(path.join(out(), 'host_vars', `${d(0).name}.yml`), 'utf8');
    assert.match(hv, /extra_keepalived: [^]*notification_email[^]*smtp_server 127\.0\.0\.1/);
    assert.match(all, /smtp_alert: true  # /);
    assert.doesNotMatch(hv, /keepalived_script_security/, 'script security was on: nothing to keep off');
    assert.match(fs.readFileSync(path.join(out(), 'host_vars', `${r(1).name}.yml`), 'utf8'), /realserver_backup: true/);
    assert.doesNotMatch(imp.stderr + imp.stdout, new RegExp(`dm${lab.state.vrid}\\b`), 'auth_pass is never printed');

    const l = await lab.hafleet(['lint', '-i', path.join(out(), 'hosts.yml')]);
    assert.equal(l.code, 0, l.stdout + l.stderr);
    const p = await lab.hafleetJson(['plan', '-i', path.join(out(), 'hosts.yml'), '--json'], { timeoutMs: 120_000 });
    assert.ok(p.doc, p.stderr);
    const b = behaviourOf(p.doc);
    for (const x of b.lines) console.log(`# plan behaviour: ${x}`);
    assert.ok(b.updates.filter((u) => u.endsWith('keepalived.conf')).length === 2, `both keepalived.conf updated: ${b.updates.join(', ')}`);
    assert.deepEqual(b.lines, [], 'the first plan of the adopted fleet changes no behaviour');
    assert.equal(p.doc.summary?.validationFailed ?? 0, 0);

    // Watch both directors while the deploy runs: address events and the transition log.
    const logBefore = [d(0), d(1)].map((h) => (fs.existsSync(path.join(lab.hostDir(h.name), 'var-log', 'ka-transitions.log')) ? fs.readFileSync(path.join(lab.hostDir(h.name), 'var-log', 'ka-transitions.log'), 'utf8') : ''));
    assert.ok(logBefore.every((s) => /MASTER/.test(s)), `the notify script logged the start-up transitions: ${JSON.stringify(logBefore)}`);
    const pids: string[] = [];
    for (const h of [d(0), d(1)]) pids.push((await lab.hostExec(h.name, 'ip -o monitor address >/tmp/hf-styles-monitor.log 2>&1 </dev/null & echo $!')).stdout.trim());
    const dep = await lab.hafleet(['deploy', '-i', path.join(out(), 'hosts.yml'), '--yes'], { timeoutMs: 240_000 });
    // keepalived reloaded: a transition would log within an advert interval or two.
    await new Promise((res) => setTimeout(res, 2500));
    const events: string[] = [];
    for (const [i, h] of [d(0), d(1)].entries()) {
      assert.match(pids[i]!, /^\d+$/);
      assert.equal((await lab.hostExec(h.name, `kill ${pids[i]}`)).code, 0, `${h.name}: the address monitor ran through the deploy`);
      const mon = fs.readFileSync(path.join(lab.hostDir(h.name), 'tmp', 'hf-styles-monitor.log'), 'utf8');
      for (const line of mon.split('\n')) if (line.includes(`${lab.vip}/`) || line.includes(`${vipAt(101)}/`)) events.push(`${h.name}: ${line}`);
      const log = fs.readFileSync(path.join(lab.hostDir(h.name), 'var-log', 'ka-transitions.log'), 'utf8');
      for (const line of log.slice(logBefore[i]!.length).split('\n').filter(Boolean)) events.push(`${h.name} notify: ${line}`);
    }
    console.log(`# deploy exit ${dep.code}; VRRP events during it: ${events.length}`);
    for (const e of events) console.log(`#   ${e}`);
    assert.equal(dep.code, 0, dep.stderr);
    assert.deepEqual(events, [], 'a VIP moved or an instance changed state during the deploy');
    assert.equal(await heldBy(), `${d(0).name} ${d(1).name}`);
    // The kept notify script is hafleet's now and still logs (its bytes, 0755 root).
    const st = await lab.hostExec(d(0).name, 'stat -c "%a %U" /usr/local/sbin/ka-notify.sh');
    assert.equal(st.stdout.trim(), '755 root');
    const again = await lab.hafleetJson(['plan', '-i', path.join(out(), 'hosts.yml'), '--json'], { timeoutMs: 120_000 });
    const pending = (again.doc?.hosts ?? []).flatMap((h: { host: string; changes?: { kind: string; path: string }[] }) => (h.changes ?? []).filter((c) => c.kind !== 'unchanged').map((c) => `${h.host}:${c.path} ${c.kind}`));
    assert.deepEqual(pending, [], 'deploy, then plan: nothing left to change');
    const v = await lab.hafleet(['verify', '-i', path.join(out(), 'hosts.yml')], { timeoutMs: 120_000 });
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.equal(await heldBy(), `${d(0).name} ${d(1).name}`, 'both VIPs still where they were');
  });

  it('LVS-DR (TCP_CHECK, persistence, weights) from copies: import --from-files → plan behaviour [] and keepalived -t passes on the directors', async () => {
    const copies = path.join(work, 'copies');
    for (const [i, h] of [d(0), d(1)].entries()) {
      fs.mkdirSync(path.join(copies, h.name, 'etc', 'keepalived'), { recursive: true });
      fs.writeFileSync(path.join(copies, h.name, 'etc', 'keepalived', 'keepalived.conf'), lvsDr(i));
    }
    for (const h of [r(0), r(1)]) {
      fs.mkdirSync(path.join(copies, h.name, 'usr', 'local', 'sbin'), { recursive: true });
      fs.writeFileSync(path.join(copies, h.name, 'usr', 'local', 'sbin', 'realserver.sh'), `#!/bin/sh\n# LVS-DR realserver: VIP on lo, ARP suppressed\nip addr add ${vipAt(110)}/32 dev lo label lo:0\necho 1 > /proc/sys/net/ipv4/conf/all/arp_ignore\necho 2 > /proc/sys/net/ipv4/conf/all/arp_announce\n`);
      fs.mkdirSync(path.join(copies, h.name, 'etc', 'sysctl.d'), { recursive: true });
      fs.writeFileSync(path.join(copies, h.name, 'etc', 'sysctl.d', '90-arp.conf'), 'net.ipv4.conf.all.arp_ignore = 1\nnet.ipv4.conf.all.arp_announce = 2\n');
    }
    const out2 = path.join(work, 'adopted-lvs');
    const imp = await lab.hafleet(['import', '-i', inv, '--out', out2, '--from-files', copies], { timeoutMs: 120_000 });
    assert.equal(imp.code, 0, imp.stderr);
    const all = fs.readFileSync(path.join(out2, 'group_vars', 'all.yml'), 'utf8');
    assert.match(all, /mode: "?lvs-dr"?/);
    assert.match(all, /persistence_timeout: 300/);
    assert.match(all, /lb_algo: "?wlc"?/);
    assert.match(all, /type: "?TCP_CHECK"?|TCP_CHECK/);
    assert.match(fs.readFileSync(path.join(out2, 'host_vars', `${r(0).name}.yml`), 'utf8'), /realserver_weight: 3/);
    // The directors' files as the copies say (keepalived keeps running the dual-master config it
    // read at start: only plan reads these).
    for (const [i, h] of [d(0), d(1)].entries()) fs.writeFileSync(path.join(lab.hostDir(h.name), 'etc-keepalived', 'keepalived.conf'), lvsDr(i));
    const p = await lab.hafleetJson(['plan', '-i', path.join(out2, 'hosts.yml'), '--json'], { timeoutMs: 120_000 });
    assert.ok(p.doc, p.stderr);
    const b = behaviourOf(p.doc);
    for (const x of b.lines) console.log(`# plan behaviour (lvs): ${x}`);
    assert.equal(b.updates.filter((u) => u.endsWith('/etc/keepalived/keepalived.conf')).length, 2, b.updates.join(', '));
    assert.deepEqual(b.lines.filter((x) => x.includes('/etc/keepalived/keepalived.conf')), [], 'the LVS-DR config: no behaviour change');
    // plan checked the rendered keepalived.conf on each director with keepalived -t.
    for (const h of [d(0), d(1)]) {
      const host = (p.doc.hosts ?? []).find((x: { host: string }) => x.host === h.name);
      const v = (host?.validations ?? []).find((x: { path: string }) => x.path === '/etc/keepalived/keepalived.conf');
      assert.ok(v, `${h.name}: keepalived.conf validated on the host`);
      assert.equal(v.ok, true, `${h.name}: ${v.message}`);
    }
  });
});
