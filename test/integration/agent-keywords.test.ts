/**
 * Differential test of the keyword table: every case of src/vrrp/keyword-cases.ts is written out and
 * given to keepalived 2.2.7 and to the agent in private network namespaces that have the interface
 * the configs name. Compared: the verdict (`keepalived -t` and `hafleet agent -t` exit codes; the
 * VRRP process stopping) and the effective values keepalived's data dump (`-d`) shows against the
 * agent's parsed config — and both against what the table says. keepalived runs in its own mount
 * namespace with fresh /run and /tmp, so nothing of the machine is touched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig, nodeFiles } from '../../src/keepalived-conf/config.js';
import { agentOutcome, caseConfig, DEFAULT_EFFECTIVE, KEYWORD_CASES, type Effective, type KeywordCase, type Verdict } from '../../src/keepalived-conf/keyword-cases.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const isRoot = process.getuid?.() === 0;
const hasKeepalived = spawnSync('keepalived', ['--version']).status === 0;
const WORKERS = 3;

/** The values of keepalived's dump (vrrp_data.c dump_vrrp) for VI_1, or undefined when there is no instance. */
export function parseDump(log: string): Effective | undefined {
  const lines = log.split('\n').map((l) => l.replace(/^\w{3} \w{3} [ \d]\d [\d:]{8} \d{4}: /, ''));
  const start = lines.findIndex((l) => /^ VRRP Instance = VI_1$/.test(l));
  if (start < 0) return undefined;
  const end = lines.findIndex((l, i) => i > start && /^------</.test(l));
  const block = lines.slice(start, end < 0 ? undefined : end);
  const get = (re: RegExp) => block.map((l) => re.exec(l)).find(Boolean)?.[1];
  const version = Number(get(/^ {3}VRRP Version = (\d)/)) as 2 | 3;
  const adv = /^ {3}Advert interval = (\d+) (sec|milli-sec)/.exec(block.find((l) => /^ {3}Advert interval/.test(l)) ?? '');
  const authType = get(/^ {3}Authentication type = (.*)$/);
  return {
    version,
    state: get(/^ {3}Wantstate = (\w+)/) as 'MASTER' | 'BACKUP',
    priority: Number(get(/^ {3}Priority = (\d+)/)),
    advertMs: adv ? Number(adv[1]) * (adv[2] === 'sec' ? 1000 : 1) : NaN,
    preempt: get(/^ {3}Preempt = (\w+)/) === 'enabled',
    preemptDelaySec: Number(get(/^ {3}Preempt delay = ([\d.e+-]+) secs/) ?? 0),
    auth: authType === 'SIMPLE_PASSWORD' ? (get(/^ {3}Password = (.*)$/) ?? '') : 'none',
    vrid: Number(get(/^ {3}Virtual Router ID = (\d+)/)),
    vips: Number(get(/^ {3}Virtual IP \((\d+)\):/) ?? 0),
  };
}

/** keepalived -d in the namespace, private /run and /tmp; stopped once the dump and the first state are out. */
function keepalivedDump(ns: string, file: string, dir: string): Promise<string> {
  const sh = `mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /tmp && exec keepalived -n -l -d --vrrp -f ${file} -p ${dir}/k.pid -r ${dir}/v.pid`;
  const p = spawn('ip', ['netns', 'exec', ns, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', sh], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(deadline);
      p.kill('SIGTERM');
    };
    const deadline = setTimeout(done, 5000);
    const on = (b: Buffer) => {
      out += b.toString();
      if (/Entering \w+ STATE|Stopped Keepalived|VRRP child process\(\d+\) died/.test(out)) done();
    };
    p.stdout.on('data', on);
    p.stderr.on('data', on);
    p.on('close', () => resolve(out));
  });
}

function run(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  const p = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  p.stdout.on('data', (b: Buffer) => (out += b.toString()));
  p.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return new Promise((resolve) => p.on('close', (code) => resolve({ code, out })));
}

interface Row { c: KeywordCase; kaTest: number | null; kaOut: string; ka?: Effective; agentTest: number | null; agentOut: string; agent: ReturnType<typeof agentOutcome> }

async function runCase(ns: string, c: KeywordCase, i: number, base: string): Promise<Row> {
  const dir = path.join(base, `c${i}`);
  fs.mkdirSync(dir);
  const file = path.join(dir, 'keepalived.conf');
  fs.writeFileSync(file, caseConfig(c));
  const kt = await run('ip', ['netns', 'exec', ns, 'keepalived', '-t', '-n', '-l', '-f', file]);
  const log = await keepalivedDump(ns, file, dir);
  const at = await run('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', 'src/cli/main.ts', 'agent', '-t', '-f', file]);
  return { c, kaTest: kt.code, kaOut: kt.out + log.split('\n').filter((l) => /\(VI_1\)|Line \d|Unknown/.test(l)).join('\n'), ka: parseDump(log), agentTest: at.code, agentOut: at.out, agent: agentOutcome(parseConfig(file, nodeFiles)) };
}

test('keyword table: keepalived 2.2.7 and the agent give each generated config the same verdict and effective values',
  { skip: !isRoot ? 'needs root (network namespaces)' : !hasKeepalived ? 'keepalived not installed' : false, timeout: 180_000 },
  async () => {
    const t0 = Date.now();
    const base = fs.mkdtempSync('/dev/shm/hafleet-kw-');
    const nss = Array.from({ length: WORKERS }, (_, w) => `hfkw${process.pid}w${w}`);
    try {
      for (const ns of nss) {
        execFileSync('ip', ['netns', 'add', ns]);
        execFileSync('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
        for (const l of ['lo', 'eth0', 'eth1']) execFileSync('ip', ['-n', ns, 'link', 'set', l, 'up']);
        execFileSync('ip', ['-n', ns, 'addr', 'add', '198.18.5.1/24', 'dev', 'eth0']);
      }
      const rows: Row[] = [];
      let next = 0;
      await Promise.all(nss.map(async (ns) => {
        for (let i = next++; i < KEYWORD_CASES.length; i = next++) rows.push(await runCase(ns, KEYWORD_CASES[i]!, i, base));
      }));
      const problems: string[] = [];
      const counts = new Map<string, number>();
      for (const r of rows.sort((a, b) => KEYWORD_CASES.indexOf(a.c) - KEYWORD_CASES.indexOf(b.c))) {
        counts.set(r.c.kind, (counts.get(r.c.kind) ?? 0) + 1);
        const kaVerdict: Verdict = r.ka === undefined ? 'fatal' : r.kaTest === 0 ? 'ok' : 'error';
        const agentVerdict: Verdict = r.agentTest === 0 ? 'ok' : r.agent.verdict === 'fatal' ? 'fatal' : 'error';
        const want = r.c.verdict === 'fatal' ? undefined : { ...DEFAULT_EFFECTIVE, ...r.c.effective };
        const name = `${r.c.keyword} — ${r.c.label}`;
        if (kaVerdict !== r.c.verdict) problems.push(`${name}: keepalived ${kaVerdict} (-t ${r.kaTest}), table ${r.c.verdict}\n${r.kaOut}`);
        if (agentVerdict !== kaVerdict) problems.push(`${name}: agent -t ${agentVerdict} (exit ${r.agentTest}), keepalived ${kaVerdict}\n${r.agentOut}\n${r.kaOut}`);
        if (JSON.stringify(r.ka) !== JSON.stringify(want)) problems.push(`${name}: keepalived's dump ${JSON.stringify(r.ka)}, table ${JSON.stringify(want)}`);
        if (JSON.stringify(r.agent.effective) !== JSON.stringify(r.ka)) problems.push(`${name}: agent ${JSON.stringify(r.agent.effective)}, keepalived ${JSON.stringify(r.ka)}`);
      }
      const summary = [...counts].map(([k, n]) => `${k} ${n}`).join(', ');
      console.log(`keyword cases: ${rows.length} (${summary}); ${rows.length - new Set(problems.map((p) => p.split(':')[0])).size} agree; ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      assert.equal(rows.length, KEYWORD_CASES.length);
      assert.deepEqual(problems, []);
    } finally {
      for (const ns of nss) spawnSync('ip', ['netns', 'del', ns]);
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
