/**
 * The remote read: the script passes sh -n and shellcheck, writes nothing (no redirection but to
 * /dev/null, no command that creates or changes a file), runs under sh on this machine into a
 * report the parser reads; the parser takes frames, refusals, binaries and cut-short reports.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { buildImportScript, IMPORT_MARK, parseImportReport } from '../../../src/import/index.js';

const script = buildImportScript();
const b64 = (s: string) => Buffer.from(s).toString('base64');

test('the script is valid POSIX sh and passes shellcheck', () => {
  execFileSync('sh', ['-n'], { input: script });
  const r = spawnSync('shellcheck', ['-s', 'sh', '-S', 'error', '-'], { input: script, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout);
});

test('the script writes nothing: its only redirections go to /dev/null, and no command creates or changes a file', () => {
  const code = script.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
  // `> "$x"`, `>> f`, `tee`, `mktemp`, `touch`, `cp`, `mv`, `rm`, `mkdir`, `sed -i`, `install`, `dd`.
  const redirections = [...code.matchAll(/\d?>>?\s*([^\s;|&)]+)/g)].map((m) => m[1]!).filter((t) => t !== '/dev/null' && !t.startsWith('&'));
  assert.deepEqual(redirections, []);
  assert.doesNotMatch(code, /\b(tee|mktemp|touch|cp|mv|rm|mkdir|install|dd|ln|chmod|chown)\b\s/);
  assert.doesNotMatch(code, /sed\s+-i/);
});

test('run under sh here, its report parses: a snapshot, and the end marker', () => {
  const r = spawnSync('sh', ['-s'], { input: script, encoding: 'utf8', timeout: 30_000 });
  const { snapshot, problem } = parseImportReport('here', r.stdout);
  assert.equal(problem, undefined);
  assert.equal(snapshot.host, 'here');
  assert.ok(snapshot.keepalivedConf.startsWith('/'));
  // ARP sysctls are readable by anyone: at least all/ and lo/.
  assert.ok(snapshot.sysctls.has('net.ipv4.conf.all.arp_ignore'), [...snapshot.sysctls.keys()].join(' '));
});

test('frames: file, refused (too big, binary), missing, include, speaker, sysctl, nginx -T; paths travel as base64', () => {
  const evil = '/etc/keepalived/x\n@@HI@@ done';
  const out = [
    `${IMPORT_MARK} hafleet-import 1`, `${IMPORT_MARK} speaker keepalived`, `${IMPORT_MARK} conf ${b64('/etc/keepalived/keepalived.conf')}`,
    `${IMPORT_MARK} file keepalived ${b64('/etc/keepalived/keepalived.conf')}`, b64('include conf.d/*.conf\n'), `${IMPORT_MARK} end`,
    `${IMPORT_MARK} include ${b64('/etc/keepalived/keepalived.conf')} ${b64('/etc/keepalived/conf.d/*.conf')}`,
    `${IMPORT_MARK} refused script ${b64('/usr/local/bin/big')} too-big 2000000`,
    `${IMPORT_MARK} refused script ${b64('/usr/local/bin/elf')} binary`,
    `${IMPORT_MARK} missing script ${b64(evil)}`,
    `${IMPORT_MARK} file script ${b64('/usr/local/bin/ctl')}`, b64('a\u0001b'), `${IMPORT_MARK} end`,
    `${IMPORT_MARK} file script ${b64('/usr/local/bin/latin1')} 755 0`, Buffer.from([0x23, 0x21, 0x0a, 0x23, 0xe9, 0x0a]).toString('base64'), `${IMPORT_MARK} end`,
    `${IMPORT_MARK} sysctl ${b64('/proc/sys/net/ipv4/conf/lo/arp_ignore')} 1`,
    `${IMPORT_MARK} sysctls`, b64('/proc/sys/net/ipv4/conf/eth0/arp_announce:2\n/proc/sys/kernel/evil:1\nnot a line\n'), `${IMPORT_MARK} end`,
    `${IMPORT_MARK} nginx-T ${b64('nginx')} 0`, b64('# configuration file /etc/nginx/nginx.conf:\nevents {}\n'), `${IMPORT_MARK} end`,
    `${IMPORT_MARK} done`,
  ].join('\n');
  const { snapshot: s, problem } = parseImportReport('lb1', out);
  assert.equal(problem, undefined);
  assert.deepEqual(s.speakers, ['keepalived']);
  assert.deepEqual(s.files.get('/etc/keepalived/keepalived.conf'), { kind: 'text', text: 'include conf.d/*.conf\n' });
  assert.deepEqual(s.includes, [{ from: '/etc/keepalived/keepalived.conf', pattern: '/etc/keepalived/conf.d/*.conf' }]);
  assert.deepEqual(s.files.get('/usr/local/bin/big'), { kind: 'refused', reason: 'larger than 1 MiB (2000000 bytes)' });
  assert.deepEqual(s.files.get('/usr/local/bin/elf'), { kind: 'refused', reason: 'a binary file' });
  assert.deepEqual(s.files.get(evil), { kind: 'missing' });
  assert.deepEqual(s.files.get('/usr/local/bin/ctl'), { kind: 'refused', reason: 'a binary file' });
  assert.deepEqual(s.files.get('/usr/local/bin/latin1'), { kind: 'refused', reason: 'not UTF-8 text (kept scripts are deployed as text)', line: 2 });
  assert.equal(s.sysctls.get('net.ipv4.conf.lo.arp_ignore'), '1');
  // The one-grep frame: PATH:VALUE lines of the ARP keys only.
  assert.deepEqual([...s.sysctls].sort(), [['net.ipv4.conf.eth0.arp_announce', '2'], ['net.ipv4.conf.lo.arp_ignore', '1']]);
  assert.equal(s.nginxDump?.exitCode, 0);
  assert.match(s.nginxDump!.text, /events/);
});

test('a report cut short or missing is a problem, not an exception', () => {
  assert.match(parseImportReport('lb1', '').problem!, /no import report/);
  assert.match(parseImportReport('lb1', `${IMPORT_MARK} hafleet-import 1\n`).problem!, /cut short/);
});

test('a file frame carries the host\'s mode and owner (stat), so a kept script deploys with its mode; an old frame without them parses', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hf-mode-'));
  const chk = path.join(dir, 'chk.sh');
  fs.writeFileSync(chk, '#!/bin/sh\ntrue\n', { mode: 0o750 });
  fs.chmodSync(chk, 0o750);
  // The script's own emit(), run here on one file.
  const emit = script.slice(0, script.indexOf('echo "$M hafleet-import 1"'));
  const r = spawnSync('sh', ['-c', `${emit}\necho "$M hafleet-import 1"; emit script ${chk}; echo "$M done"`], { encoding: 'utf8' });
  const got = parseImportReport('here', r.stdout).snapshot.files.get(chk);
  assert.deepEqual(got, { kind: 'text', text: '#!/bin/sh\ntrue\n', mode: '750', uid: process.getuid!() });
  const old = [`${IMPORT_MARK} hafleet-import 1`, `${IMPORT_MARK} file script ${b64('/x')}`, b64('y'), `${IMPORT_MARK} end`, `${IMPORT_MARK} done`].join('\n');
  assert.deepEqual(parseImportReport('h', old).snapshot.files.get('/x'), { kind: 'text', text: 'y' });
  fs.rmSync(dir, { recursive: true, force: true });
});
