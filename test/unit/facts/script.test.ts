import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { buildFactsScript, CONTENT_CAP_BYTES } from '../../../src/facts/script.js';
import { factsReportProblem, parseFactsReport } from '../../../src/facts/parse-report.js';

/** The real script run by the local sh over a scratch tree: no network, no root needed. */
describe('facts script on this machine', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hf-tr-facts-'));
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'a.conf'), 'hello\nwörld\n');
    chmodSync(join(dir, 'a.conf'), 0o640);
    writeFileSync(join(dir, 'conf.d', 'keep.conf'), 'keep\n');
    writeFileSync(join(dir, 'conf.d', 'stale.conf'), 'stale\n');
    writeFileSync(join(dir, 'conf.d', '.hidden'), 'h\n');
    writeFileSync(join(dir, "it's big"), Buffer.alloc(CONTENT_CAP_BYTES + 1, 0x61));
    symlinkSync(join(dir, 'a.conf'), join(dir, 'link.conf'));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling.conf'));
    writeFileSync(join(dir, 'back\\slash.conf'), 'xy\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports files, managed dirs and sysctls that the parser reads back', () => {
    const req = {
      paths: [join(dir, 'a.conf'), join(dir, 'missing'), join(dir, "it's big"), join(dir, 'link.conf'), join(dir, 'conf.d', 'keep.conf'), join(dir, 'dangling.conf'), join(dir, 'back\\slash.conf')],
      managedDirs: [join(dir, 'conf.d'), join(dir, 'nodir')],
      sysctls: ['net.ipv4.ip_forward', 'no.such.key'],
    };
    const r = spawnSync('sh', ['-s'], { input: buildFactsScript(req), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(factsReportProblem(r.stdout), null);
    const f = parseFactsReport('local', r.stdout);
    const me = userInfo().username;
    const a = f.files[join(dir, 'a.conf')]!;
    assert.equal(a.content, 'hello\nwörld\n');
    assert.equal(a.sha256, createHash('sha256').update('hello\nwörld\n').digest('hex'));
    assert.equal(a.mode, '0640');
    assert.equal(a.owner, me);
    assert.deepEqual(f.files[join(dir, 'missing')], { path: join(dir, 'missing'), content: null, sha256: null, mode: null, owner: null, group: null });
    const big = f.files[join(dir, "it's big")]!;
    assert.equal(big.content, null, 'over the cap: no content');
    assert.equal(big.sha256, createHash('sha256').update(Buffer.alloc(CONTENT_CAP_BYTES + 1, 0x61)).digest('hex'));
    assert.equal(f.files[join(dir, 'link.conf')]!.content, 'hello\nwörld\n', 'a symlink reads as its target');
    assert.deepEqual(f.files[join(dir, 'dangling.conf')], { path: join(dir, 'dangling.conf'), content: null, sha256: null, mode: null, owner: null, group: null });
    const back = f.files[join(dir, 'back\\slash.conf')]!;
    assert.equal(back.sha256, createHash('sha256').update('xy\n').digest('hex'), 'sha256sum escapes the name; the parser undoes it');
    assert.equal(back.content, 'xy\n');
    assert.deepEqual(f.managedFiles, {
      [join(dir, 'conf.d')]: [join(dir, 'conf.d', 'keep.conf'), join(dir, 'conf.d', 'stale.conf'), join(dir, 'conf.d', '.hidden')],
      [join(dir, 'nodir')]: [],
    });
    assert.equal(f.files[join(dir, 'conf.d', 'stale.conf')]!.content, 'stale\n', 'files in managed dirs get facts too');
    assert.match(f.sysctls['net.ipv4.ip_forward'] ?? '', /^[01]$/);
    assert.equal('no.such.key' in f.sysctls, false);
    assert.ok(f.addresses.some((x) => x.dev === 'lo' && x.address === '127.0.0.1'));
    assert.equal(f.tools.sha256sum, true);
  });

  it('finds a running process by its name (comm), as the lab and a real host show it', async () => {
    // `exec -a` is not POSIX; a copy of sleep named nginx gives a process whose comm is "nginx".
    const fake = join(dir, 'nginx');
    symlinkSync(spawnSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).stdout.trim(), fake);
    const child = spawn(fake, ['30'], { stdio: 'ignore' });
    try {
      const r = spawnSync('sh', ['-s'], { input: buildFactsScript({ paths: [], managedDirs: [], sysctls: [] }), encoding: 'utf8' });
      const f = parseFactsReport('local', r.stdout);
      assert.ok(f.processes.nginx?.includes(child.pid!), `pid ${child.pid} in ${JSON.stringify(f.processes)}`);
    } finally {
      child.kill();
    }
  });

  it('refuses a path it could not report faithfully (a bug in the caller)', () => {
    assert.throws(() => buildFactsScript({ paths: ['/etc/a\nb'], managedDirs: [], sysctls: [] }), /newline/);
  });
});
