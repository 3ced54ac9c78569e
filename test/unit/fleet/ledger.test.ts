/**
 * The realserver ledger (fleet/ledger.ts): when the directors' ledgers let plan leave a
 * realserver alone, and when they do not. The lab side (writes, tombstones, a skipped realserver
 * whose sshd is down) is test/integration/ledger.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { ledgerCandidates, ledgerText, ledgerView, notContactedFacts, parseLedger, tombstoneText, vouches } from '../../../src/fleet/ledger.js';
import { gatherFleetFacts } from '../../../src/fleet/facts.js';
import { drainedRealservers } from '../../../src/fleet/maintenance.js';

const TOMBSTONE = tombstoneText();
import { ledgerWriteScript } from '../../../src/fleet/ledger-write.js';
import { ledgerAfterDeploy } from '../../../src/fleet/ledger-deploy.js';
import type { Fleet } from '../../../src/fleet/load.js';
import type { HostRef, Transport } from '../../../src/transport/index.js';
import type { DeployResult } from '../../../src/apply/index.js';
import { LEDGER_CAP_BYTES, MARK, buildFactsScript } from '../../../src/facts/script.js';
import { parseFactsReport } from '../../../src/facts/parse-report.js';
import type { HostFacts } from '../../../src/facts/index.js';
import { closingLine, plan, renderPlanText, type FactsByHost } from '../../../src/plan/index.js';
import type { Topology } from '../../../src/topology/index.js';
import type { DesiredState, HostDesired } from '../../../src/render/index.js';

const topology = { clusters: [{ name: 'web', directors: ['lb1', 'lb2'], realservers: ['web1', 'web2', 'web3'] }] } as unknown as Topology;

function director(host: string, o: { ledger?: string; deployed?: boolean } = {}): HostFacts {
  return {
    host, serviceManager: 'direct', processes: {}, files: {}, addresses: [], sysctls: {}, tools: {}, managedFiles: {},
    lastDeploy: o.deployed ? { at: '2026-12-01T00:00:00Z', by: 'op@admin', planId: 'p', files: [] } : null,
    ...(o.ledger !== undefined ? { realserverLedger: { text: o.ledger, sha256: createHash('sha256').update(o.ledger).digest('hex') } } : {}),
  };
}
const factsOf = (...fs: HostFacts[]): FactsByHost => new Map(fs.map((f) => [f.host, { ok: true as const, value: f }]));
const complete = (marked: string[], gen = 'g1', known = ['web1', 'web2', 'web3']) => ledgerText({ complete: true, gen, marked, known });

test('a ledger reads back what was written; anything else is not a ledger', () => {
  assert.deepEqual(parseLedger(ledgerText({ complete: true, gen: 'abc', marked: ['web2', 'web1'], known: ['web3', 'web1'] })), { complete: true, gen: 'abc', marked: ['web1', 'web2'], known: ['web1', 'web3'] });
  assert.deepEqual(parseLedger('{"kind":"hafleet-realserver-ledger","v":1,"complete":true,"gen":"a","marked":[]}')?.known, [], 'no known list: it vouches for no one');
  const t = parseLedger(TOMBSTONE)!;
  assert.equal(t.complete, false);
  assert.match(t.gen, /^tombstone-[0-9a-f]{16}$/);
  assert.notEqual(tombstoneText(), TOMBSTONE, 'each tombstone its own generation: a compare-and-swap over one fails over the next');
  for (const bad of ['', 'not json', '{}', '{"kind":"hafleet-realserver-ledger","v":2,"complete":true,"gen":"a","marked":[]}', '{"kind":"hafleet-realserver-ledger","v":1,"complete":true,"gen":"a","marked":[1]}', '{"kind":"other","v":1,"complete":true,"gen":"a","marked":[]}', '{"kind":"hafleet-realserver-ledger","v":1,"complete":true,"gen":"a","marked":[],"known":"web1"}']) {
    assert.equal(parseLedger(bad), null, bad);
  }
  // Host names are JSON strings: any name an inventory allows survives.
  assert.deepEqual(parseLedger(ledgerText({ complete: true, gen: 'x', marked: ['web "1"\n'], known: [] }))?.marked, ['web "1"\n']);
});

test('agreeing complete ledgers vouch for the realservers they do not list', () => {
  const v = ledgerView(topology, factsOf(director('lb1', { ledger: complete(['web3']), deployed: true }), director('lb2', { ledger: complete(['web3']), deployed: true })));
  assert.ok(v.usable && v.kind === 'complete');
  assert.deepEqual([...(v as { marked: ReadonlySet<string> }).marked], ['web3']);
});

test('a fleet hafleet never deployed (no record, no ledger on any director) carries nothing of hafleet\'s', () => {
  const v = ledgerView(topology, factsOf(director('lb1'), director('lb2')));
  assert.ok(v.usable && v.kind === 'fresh');
});

test('every doubt asks every realserver', () => {
  const cases: [string, FactsByHost, RegExp][] = [
    ['deployed before, no ledger yet (an older hafleet)', factsOf(director('lb1', { deployed: true }), director('lb2')), /lb1 was deployed before/],
    ['one director has none', factsOf(director('lb1', { ledger: complete([]) }), director('lb2', { deployed: true })), /lb2 keeps no realserver ledger/],
    ['a tombstone (a realserver got a flag since)', factsOf(director('lb1', { ledger: TOMBSTONE }), director('lb2', { ledger: complete([]) })), /incomplete/],
    ['generations differ (one missed a write)', factsOf(director('lb1', { ledger: complete([], 'g1') }), director('lb2', { ledger: complete([], 'g2') })), /differ/],
    ['same generation, other lists', factsOf(director('lb1', { ledger: complete(['web1']) }), director('lb2', { ledger: complete([]) })), /differ/],
    ['same generation, other known realservers', factsOf(director('lb1', { ledger: complete([], 'g1', ['web1']) }), director('lb2', { ledger: complete([]) })), /differ/],
    ['not ours', factsOf(director('lb1', { ledger: '{"x":1}' }), director('lb2', { ledger: complete([]) })), /not hafleet's/],
    ['a director outside the run', factsOf(director('lb1', { ledger: complete([]) })), /lb2 is not in this run/],
  ];
  for (const [name, facts, why] of cases) {
    const v = ledgerView(topology, facts);
    assert.equal(v.usable, false, name);
    assert.match((v as { why: string }).why, why, name);
  }
  const unreachable = factsOf(director('lb1', { ledger: complete([]) }));
  unreachable.set('lb2', { ok: false, failure: { kind: 'unreachable', host: 'lb2', message: 'no route' } });
  assert.match((ledgerView(topology, unreachable) as { why: string }).why, /lb2 could not be read/);
  const partial = factsOf(director('lb1', { ledger: complete([]) }), { ...director('lb2', { ledger: complete([]) }), readScope: 'record' });
  assert.equal(ledgerView(topology, partial).usable, false, 'a director read record-only says nothing of its ledger');
});

test('candidates: realservers whose roles render nothing; never a director, a host in no cluster or one with files', () => {
  const t = { clusters: [{ name: 'a', directors: ['lb1', 'lb2'], realservers: ['web1', 'web2', 'lb2'] }] } as unknown as Topology;
  const want = (host: string, files: number): HostDesired => ({ host, files: Array.from({ length: files }, (_, n) => ({ path: `/x/${n}` })) } as unknown as HostDesired);
  const desired: DesiredState = new Map([['lb1', want('lb1', 3)], ['lb2', want('lb2', 3)], ['web1', want('web1', 0)], ['web2', want('web2', 1)], ['free', want('free', 0)]]);
  assert.deepEqual([...ledgerCandidates(t, ['lb1', 'lb2', 'web1', 'web2', 'free'], desired)], ['web1']);
});

test('a host not contacted plans nothing, is neither deployed nor checked, and the plan says why in one block', () => {
  const want = (host: string): HostDesired => ({ host, roles: ['realserver'], files: [], managedPaths: ['/etc/sysctl.d'], handlers: [] } as unknown as HostDesired);
  const desired: DesiredState = new Map([['web1', want('web1')], ['web2', want('web2')]]);
  const facts: FactsByHost = new Map([['web1', { ok: true, value: notContactedFacts('web1', 'the ledger says so') }], ['web2', { ok: true, value: notContactedFacts('web2', 'the ledger says so') }]]);
  const p = plan(desired, facts, { id: 'x', now: new Date(0) });
  const h = p.hosts[0]!;
  assert.ok(h.status === 'planned');
  assert.deepEqual(h.changes, []);
  assert.equal(h.recordCurrent, true, 'no record to write: deploy leaves it alone');
  assert.deepEqual(h.notContacted, { why: 'the ledger says so' });
  assert.equal(h.checkedOnly, undefined);
  assert.equal(p.summary.notContacted, 2);
  assert.match(closingLine(p), /2 realservers not contacted/);
  const text = renderPlanText(p);
  assert.match(text, /^not contacted: web1, web2$/m);
  assert.match(text, /^ {2}the ledger says so; --contact-all asks them anyway$/m);
  assert.doesNotMatch(text, /^web1:/m, 'no block per host');
});

test('the facts script reads a director\'s ledger; the parser keeps its text and the sha256 of its bytes', () => {
  const script = buildFactsScript({ paths: [], managedDirs: [], sysctls: [] });
  assert.match(script, /realservers\.json/);
  const body = complete(['web1']);
  const text = [`${MARK} hafleet-facts 1`, `${MARK} realserver-ledger`, Buffer.from(body).toString('base64'), `${MARK} end`, ''].join('\n');
  const f = parseFactsReport('lb1', text);
  assert.equal(f.realserverLedger?.text, body);
  assert.equal(f.realserverLedger?.sha256, createHash('sha256').update(body).digest('hex'));
});

test('the write script: compare-and-swap on the file read, valid sh (shellcheck); a bad expectation is refused before it is a script', () => {
  for (const expect of ['absent', 'any', 'a'.repeat(64)]) {
    const s = ledgerWriteScript(expect);
    assert.equal(spawnSync('sh', ['-n'], { input: s }).status, 0);
    const sc = spawnSync('shellcheck', ['-s', 'sh', '-'], { input: s, encoding: 'utf8' });
    assert.equal(sc.status, 0, sc.stdout);
  }
  for (const bad of ["x'; rm -rf /; '", 'A'.repeat(64), '']) assert.throws(() => ledgerWriteScript(bad), /not a sha256/);
});

/** The write script as it runs on a director, with the state dir moved into `dir` (sh, no root). */
function runWrite(dir: string, expect: string, text: string, o: { waitS?: number } = {}) {
  let s = ledgerWriteScript(expect).split('/var/lib/hafleet').join(dir);
  if (o.waitS !== undefined) s = s.replace(/flock -w \d+/, `flock -w ${o.waitS}`);
  const sh = join(dir, 'write.sh');
  writeFileSync(sh, s);
  return spawnSync('sh', [sh], { input: text, encoding: 'utf8' });
}

test('the write script writes through no name that was there before (a symlink at the temp name is left alone)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hf-ledger-'));
  try {
    const victim = join(dir, 'victim');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(dir, 'realservers.json.new'));
    const r = runWrite(dir, 'any', TOMBSTONE);
    assert.match(r.stdout, /^ledger-written$/m, r.stderr);
    assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
    assert.equal(readFileSync(join(dir, 'realservers.json'), 'utf8'), TOMBSTONE);
    assert.equal((statSync(join(dir, 'realservers.json')).mode & 0o077), 0, 'root\'s alone (umask)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the write script looks and renames under the ledger\'s lock: while another write holds it, nothing is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hf-ledger-'));
  const holder = spawn('flock', [join(dir, 'realservers.json.lock'), '-c', 'echo held; read x'], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const first = complete([]);
    writeFileSync(join(dir, 'realservers.json'), first);
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', (d: Buffer) => { if (String(d).includes('held')) resolve(); });
      holder.on('exit', () => reject(new Error('the lock holder ended first')));
    });
    const r = runWrite(dir, createHash('sha256').update(first).digest('hex'), complete(['web1'], 'g2'), { waitS: 0 });
    assert.notEqual(r.status, 0);
    assert.doesNotMatch(r.stdout, /ledger-written/);
    assert.equal(readFileSync(join(dir, 'realservers.json'), 'utf8'), first);
  } finally {
    holder.stdin.end();
    await new Promise((resolve) => holder.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a deploy cut short by Ctrl-C still seals the ledger it tombstoned (the seal is not under the run\'s signal)', async () => {
  const refs = new Map(['lb1', 'lb2', 'web1'].map((h) => [h, { name: h, host: h } as unknown as HostRef]));
  const fleet = { topology, hosts: ['lb1', 'lb2', 'web1'], refs, desired: new Map([['web1', { host: 'web1', files: [{ path: '/etc/sysctl.d/x.conf' }] }]]) } as unknown as Fleet;
  const landed: string[] = [];
  const transport = {
    exec: async (ref: HostRef, _cmd: string, o?: { stdin?: string; signal?: AbortSignal }) => {
      if (o?.signal?.aborted) return { ok: false, failure: { kind: 'unreachable', host: ref.name, message: 'aborted' } };
      landed.push(`${ref.name} ${o?.stdin ?? ''}`);
      return { ok: true, value: { stdout: 'ledger-written\n', stderr: '', code: 0 } };
    },
  } as unknown as Transport;
  const ac = new AbortController();
  ac.abort();
  const result = { hosts: [{ host: 'web1', status: 'skipped', reason: 'interrupted' }] } as unknown as DeployResult;
  const a = await ledgerAfterDeploy(fleet, factsOf(director('lb1'), director('lb2')), result, { tombstoned: ['lb1', 'lb2'], tombstoneSha256: 'a'.repeat(64), writes: [] }, transport, (h) => refs.get(h)!, { signal: ac.signal });
  assert.equal(a.outcome, 'not-written');
  assert.deepEqual(a.sealed?.map((w) => `${w.host} ${w.outcome}`), ['lb1 written', 'lb2 written']);
  assert.ok(landed.every((l) => parseLedger(l.slice(4))?.complete === false), 'what went out is a tombstone');
});

test('a realserver the ledger never named (added or renamed since its complete write) is asked, by plan and for its flag', async () => {
  const five = { clusters: [{ name: 'web', directors: ['lb1', 'lb2'], realservers: ['web1', 'web2', 'web9'] }] } as unknown as Topology;
  const hosts = ['lb1', 'lb2', 'web1', 'web2', 'web9'];
  const refs = new Map(hosts.map((h) => [h, { name: h, host: h } as unknown as HostRef]));
  const files = (h: string) => (h.startsWith('lb') ? [{ path: '/etc/keepalived/keepalived.conf', content: 'x' }] : []);
  const desired = new Map(hosts.map((h) => [h, { host: h, roles: ['x'], files: files(h), managedPaths: [], handlers: [] }])) as unknown as DesiredState;
  const ledger = complete([], 'g1', ['web1', 'web2']); // written when web9 was called web3
  const asked: string[] = [];
  const transport = {
    exec: async (ref: HostRef) => {
      asked.push(ref.name);
      const lines = [`${MARK} hafleet-facts 1`, `${MARK} service-manager`, 'direct', `${MARK} files`];
      if (ref.name.startsWith('lb')) lines.push(`${MARK} realserver-ledger`, Buffer.from(ledger).toString('base64'));
      if (ref.name === 'web9') lines.push(`${MARK} maintenance`, '1');
      return { ok: true, value: { stdout: [...lines, `${MARK} end`, ''].join('\n'), stderr: '', code: 0 } };
    },
  } as unknown as Transport;
  const fleet = { topology: five, hosts, refs, desired, inventory: { hosts: new Map() } } as unknown as Fleet;
  const facts = await gatherFleetFacts(fleet, transport, { forks: 4 });
  assert.deepEqual(asked.sort(), ['lb1', 'lb2', 'web9']);
  assert.equal(facts.get('web9')?.ok && facts.get('web9')!.ok && (facts.get('web9') as { value: HostFacts }).value.maintenance, true);
  assert.equal((facts.get('web1') as { value: HostFacts }).value.readScope, 'ledger');
  // The same realserver outside --limit: drainedRealservers asks it too.
  asked.length = 0;
  const limited = { ...fleet, hosts: ['lb1', 'lb2'] } as unknown as Fleet;
  const drained = await drainedRealservers(limited, transport, new Map([...facts].filter(([h]) => h.startsWith('lb'))), { forks: 4 });
  assert.deepEqual(asked, ['web9']);
  assert.deepEqual(drained, ['web9']);
  assert.equal(vouches(ledgerView(five, facts), 'web1'), true);
  assert.equal(vouches(ledgerView(five, facts), 'web9'), false);
});

test('a ledger file too big to be one is not read: its checksum stands for it, and it vouches for nobody', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hafleet-ledger-'));
  try {
    const read = (body: string | Buffer) => {
      const path = join(dir, 'realservers.json');
      writeFileSync(path, body);
      const script = buildFactsScript({ paths: [], managedDirs: [], sysctls: [] }).replaceAll("'/var/lib/hafleet/realservers.json'", `'${path}'`);
      const r = spawnSync('sh', ['-s'], { input: script, encoding: 'utf8', maxBuffer: 1 << 26 });
      assert.equal(r.status, 0, r.stderr);
      return parseFactsReport('lb1', r.stdout).realserverLedger;
    };
    const small = complete(['web1']);
    assert.deepEqual(read(small), { text: small, sha256: createHash('sha256').update(small).digest('hex') });
    const big = Buffer.alloc(LEDGER_CAP_BYTES + 1, 'x');
    assert.deepEqual(read(big), { text: '', sha256: createHash('sha256').update(big).digest('hex') }, 'not base64\'d into the report');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(parseFactsReport('lb1', [`${MARK} hafleet-facts 1`, `${MARK} realserver-ledger-big x; rm -rf /`, `${MARK} end`, ''].join('\n')).realserverLedger, undefined);
  const v = ledgerView(topology, factsOf({ ...director('lb1'), realserverLedger: { text: '', sha256: 'b'.repeat(64) } }, director('lb2', { ledger: complete([]) })));
  assert.equal(v.usable, false);
});
