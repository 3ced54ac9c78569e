/**
 * Classic mistakes found in a running configuration, reported and never fixed: the inventory
 * reproduces the fleet as it behaves today; fixing one is a later inventory change whose plan
 * shows the behaviour change. One function per pitfall, each a stable code.
 */
import { warning, type Diagnostic } from '../diagnostics/index.js';
import type { Stmt } from '../keepalived-conf/index.js';
import type { HostConf } from './model.js';
import { textOf, type HostSnapshot } from './snapshot.js';

type Pitfall = (confs: HostConf[], snaps: HostSnapshot[]) => Diagnostic[];

const where = (host: string, w: { file?: string; line?: number } | undefined) => ({ host, ...(w?.file ? { file: w.file } : {}), ...(w?.line ? { line: w.line } : {}) });

// keepalived 2.x clears nopreempt when the state is MASTER ("nopreempt will not work with initial
// state MASTER - clearing"): the parsed instance preempts, so the raw statements tell.
const nopreemptMaster: Pitfall = (confs) => confs.flatMap((c) => c.stmts.filter((s) => s.keyword === 'vrrp_instance'
  && s.block?.some((x) => x.keyword === 'nopreempt') && s.block?.some((x) => x.keyword === 'state' && x.args[0]?.text === 'MASTER'))
  .map((s) => warning('pitfall-nopreempt-master', `${s.args[0]?.text}: nopreempt with state MASTER — keepalived clears nopreempt, so this director preempts`, where(c.host, s.where), 'the inventory keeps preempt as it behaves today; for nopreempt set state BACKUP on every director')));

function authPassStmt(inst: Stmt): Stmt | undefined {
  return inst.block?.find((s) => s.keyword === 'authentication')?.block?.find((s) => s.keyword === 'auth_pass');
}

const authPassLong: Pitfall = (confs) => confs.flatMap((c) => c.stmts.filter((s) => s.keyword === 'vrrp_instance').flatMap((s) => {
  const a = authPassStmt(s);
  const len = a?.args[0]?.text.length ?? 0;
  return len > 8 ? [warning('pitfall-auth-pass-length', `${s.args[0]?.text}: auth_pass has ${len} characters; keepalived uses only the first 8`, where(c.host, a!.where), 'the inventory keeps the 8 that are used; a peer configured with the full text would not match')] : [];
}));

const equalPriorities: Pitfall = (confs) => {
  const byVrid = new Map<string, { host: string; prio: number; w: HostConf['config']['instances'][number]['where'] }[]>();
  for (const c of confs) for (const i of c.config.instances) {
    const k = `${i.vrid}|${i.vips.map((v) => v.address).sort().join(',')}`;
    byVrid.set(k, [...(byVrid.get(k) ?? []), { host: c.host, prio: i.priority, w: i.where }]);
  }
  const out: Diagnostic[] = [];
  for (const [k, ms] of byVrid) {
    const seen = new Map<number, string>();
    for (const m of ms) {
      const other = seen.get(m.prio);
      if (other) out.push(warning('pitfall-equal-priority', `VRID ${k.split('|')[0]}: ${other} and ${m.host} both have priority ${m.prio}; the higher primary address wins the election`, where(m.host, m.w), 'give each director its own priority'));
      else seen.set(m.prio, m.host);
    }
  }
  return out;
};

const BY_NAME = /\b(killall|pkill)\b/;
const byName: Pitfall = (confs) => confs.flatMap((c) => [
  ...c.config.scripts.filter((s) => BY_NAME.test(s.script) || BY_NAME.test(scriptBody(c, s.script))).map((s) => warning('pitfall-by-process-name', `vrrp_script ${s.name}: '${s.script}' finds or kills a process by name — any process of that name counts, and as a non-root user killall -0 fails on root's processes`, where(c.host, s.where), 'check the service itself (a health URL, the pid file\'s process)')),
  ...c.config.instances.flatMap((i) => Object.values(i.notify).filter((n) => n && (BY_NAME.test(n.cmd) || BY_NAME.test(scriptBody(c, n.cmd)))).map((n) => warning('pitfall-by-process-name', `${i.name}: notify '${n!.cmd}' kills a process by name — failover by killing can hit the wrong process`, where(c.host, n!.where), 'stop the service through its manager')))]);

function scriptBody(c: HostConf, cmd: string): string {
  return textOf(c.snap, cmd.split(/\s+/)[0] ?? '') ?? '';
}

/** A check that cannot fail: true/:, or a script whose every exit is 0. */
const neverFails: Pitfall = (confs) => confs.flatMap((c) => c.config.scripts.filter((s) => {
  const argv0 = s.script.split(/\s+/)[0] ?? '';
  if (/^(\/usr)?\/bin\/true$|^true$|^:$/.test(argv0)) return true;
  const body = scriptBody(c, s.script).split('\n').filter((l) => !/^\s*(#|$)/.test(l));
  if (body.length === 0) return false;
  const last = body[body.length - 1]!.trim();
  const exits = body.filter((l) => /\bexit\b/.test(l));
  return exits.length > 0 && exits.every((l) => /\bexit\s+0\b/.test(l)) && /^exit\s+0$/.test(last);
}).map((s) => warning('pitfall-track-never-fails', `vrrp_script ${s.name}: '${s.script}' always exits 0, so it never takes the priority down`, where(c.host, s.where), 'let the check exit non-zero when the service is down')));

/**
 * keepalived runs scripts (track, notify of instances and sync groups, LVS MISC_CHECK) without
 * enable_script_security: its "SECURITY VIOLATION" case. Every program the config runs was read
 * with the role 'script'.
 */
export function runsScriptsWithoutSecurity(c: HostConf): boolean {
  return !c.config.global.enableScriptSecurity
    && (c.config.scripts.length > 0 || c.config.instances.some((i) => Object.values(i.notify).some(Boolean))
      || c.config.syncGroups.some((g) => Object.values(g.notify).some(Boolean)) || [...c.snap.roles.values()].includes('script'));
}

const noScriptSecurity: Pitfall = (confs) => confs.filter(runsScriptsWithoutSecurity)
  .map((c) => warning('pitfall-no-script-security', 'scripts run without enable_script_security: as root, whoever can write them or their directories', where(c.host, { file: c.snap.keepalivedConf }),
    'the inventory keeps it (keepalived_script_security: false; lint warns as script-security-off): make the scripts and their directories root-owned and not group/world-writable, then drop the key — plan shows enable_script_security added'));

const vipOnLoDirector: Pitfall = (confs, snaps) => {
  const directors = new Set(confs.filter((c) => c.config.instances.length > 0).map((c) => c.host));
  return snaps.filter((s) => directors.has(s.host)).flatMap((s) => [...s.roles].filter(([, r]) => r === 'lo-script')
    .map(([p]) => warning('pitfall-director-vip-on-lo', `${p} puts an address on lo of a director: a backup director with the VIP on lo answers for it and takes traffic the master should get`, where(s.host, { file: p }), 'keep the lo VIP on realservers only (lvs-dr: a director that is also a realserver needs care)')));
};

/**
 * An LVS-DR realserver (a script puts the VIP on lo) whose ARP sysctls in effect do not suppress
 * ARP for it: it answers ARP for the VIP and steals the traffic (LVS-DR howto: arp_ignore 1,
 * arp_announce 2 on all and lo). The kernel uses the maximum of `all` and the interface's value.
 */
const realserverArp: Pitfall = (_confs, snaps) => snaps.filter((s) => [...s.roles.values()].includes('lo-script') && s.sysctls.size > 0).flatMap((s) => {
  const eff = (k: string) => Math.max(Number(s.sysctls.get(`net.ipv4.conf.all.${k}`) ?? 0), Number(s.sysctls.get(`net.ipv4.conf.lo.${k}`) ?? 0));
  const ignore = eff('arp_ignore');
  const announce = eff('arp_announce');
  const script = [...s.roles].find(([, r]) => r === 'lo-script')![0];
  return ignore >= 1 && announce >= 2 ? [] : [warning('pitfall-realserver-arp', `${script} puts a VIP on lo but ARP is not suppressed now (arp_ignore ${ignore}, arp_announce ${announce}): this realserver answers ARP for the VIP`, where(s.host, { file: script }), 'net.ipv4.conf.all.arp_ignore = 1 and arp_announce = 2 (hafleet\'s realserver role writes them)')];
});

const PITFALLS: Pitfall[] = [realserverArp, nopreemptMaster, authPassLong, equalPriorities, byName, neverFails, noScriptSecurity, vipOnLoDirector];

export function pitfalls(confs: HostConf[], snaps: HostSnapshot[]): Diagnostic[] {
  return PITFALLS.flatMap((p) => p(confs, snaps));
}
