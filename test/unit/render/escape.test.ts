import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EscapeError, comment, fsname, fspath, kq, kw, nq, nw, nwords, sh, shlist, shwords } from '../../../src/render/escape.js';

// Hostile values every context has to survive (refuse or quote): newline+directive, quotes, braces,
// command substitution, traversal, NUL, control characters, non-ASCII, 4 KiB.
const HOSTILE = ['a\nnotify_master "/bin/id" root', 'a"b', "a'b", 'a}b', 'a;b', '$(id)', '`id`', '../../etc/shadow', 'a\0b', '\x1b[31m', 'a\rb', 'é', 'x'.repeat(4096)];

function refuses(fn: (v: unknown) => string, v: unknown, why?: RegExp): void {
  assert.throws(() => fn(v), (e: unknown) => e instanceof EscapeError && (!why || why.test(e.message)), `${fn.name}(${JSON.stringify(v)}) must throw`);
}

test('kq: a keepalived "…" string; refuses what its lexer cannot hold (", \\, $, newline, control characters)', () => {
  assert.equal(kq('/usr/local/sbin/hafleet-check-nginx'), '"/usr/local/sbin/hafleet-check-nginx"');
  assert.equal(kq('/bin/x arg # { } ! \''), '"/bin/x arg # { } ! \'"', 'comments and braces are inert inside "…"');
  assert.equal(kq(42), '"42"');
  for (const v of ['a"b', 'a\\b', '$VAR', '${X}', 'a\nb', 'a\rb', 'a\0b', '\x1b[31m', '\u0085', 'x'.repeat(513)]) refuses(kq, v);
  refuses(kq, 'a\nb', /newline/);
  refuses(kq, undefined, /undefined/);
  refuses(kq, null, /null/);
  refuses(kq, ['a'], /list/);
});

test('kw: a keepalived bare word in a strict charset', () => {
  for (const v of ['lb1', 'eth0.10', 'br-lan', 'eth0:51', '198.18.0.100', 'fd00::1%eth0', '/health?x=1&y=2', 'web_51']) assert.equal(kw(v), v);
  assert.equal(kw(-20), '-20');
  // '../' is a path problem (fspath, confinePath), not a word problem: a word cannot break the config.
  for (const v of HOSTILE.filter((x) => x !== '../../etc/shadow')) refuses(kw, v);
  for (const v of ['', 'a b', 'a#b', 'a!b', '@lb1', '~SEQ(x,1,2)', '$X', 'a{', 'ab\t', 'include', 'includer']) refuses(kw, v);
});

test('nq: an nginx "…" string with \\ and " escaped; $ and control characters refused', () => {
  assert.equal(nq('a "quoted" \\ word; {x}'), '"a \\"quoted\\" \\\\ word; {x}"');
  for (const v of ['$host', 'a\nb', 'a\0b', '\x1b[31m', 'a\rb']) refuses(nq, v);
});

test('nw / nwords: nginx tokens; no ; { } " \' # $ ~ = @ * or white space', () => {
  for (const v of ['hafleet_web_80', '198.18.0.21', '[fd00::100]', '15s', '/503.html', '/usr/share/hafleet']) assert.equal(nw(v), v);
  for (const v of HOSTILE.filter((x) => x !== '../../etc/shadow')) refuses(nw, v);
  for (const v of ['', 'a b', '~^x', '=x', '@named', '*.example', 'a#b', '$x']) refuses(nw, v);
  assert.equal(nwords(['198.18.0.100', '[fd00::100]']), '198.18.0.100 [fd00::100]');
  refuses(nwords, []);
  refuses(nwords, ['ok', 'a;b']);
  refuses(nwords, 'not a list');
});

test('sh / shwords / shlist: single-quoted sh words', () => {
  assert.equal(sh('lb1'), "'lb1'");
  assert.equal(sh("it's $(id) `id` \n"), "'it'\\''s $(id) `id` \n'");
  assert.equal(sh(8080), '8080');
  refuses(sh, 'a\0b', /NUL/);
  assert.equal(shwords('/usr/bin/node  /opt/hafleet/main.js agent'), "'/usr/bin/node' '/opt/hafleet/main.js' 'agent'");
  assert.equal(shwords(['a b', "c'd"]), "'a b' 'c'\\''d'");
  refuses(shwords, '   ');
  assert.equal(shlist(['198.18.0.100/32@lo:0', '198.18.0.101/32@lo:1']), "'198.18.0.100/32@lo:0 198.18.0.101/32@lo:1'");
  for (const bad of [['a b'], ['*'], ['a?'], ["a'b"], [''], ['a\nb']]) refuses(shlist, bad);
});

test('kcomment / ncomment / shcomment: a newline or control character would end the comment early', () => {
  assert.equal(comment('kcomment', 'lb1 $(id) "x" é'), 'lb1 $(id) "x" é', 'inert inside a comment');
  for (const v of ['a\nvrrp_instance x {', 'a\rb', 'a\0b', '\x1b[31m', '\u2028', 'x'.repeat(513)]) refuses((x) => comment('kcomment', x), v);
});

test('fspath / fsname: absolute normalised paths and single file names', () => {
  assert.equal(fspath('/usr/share/hafleet/503.html'), '/usr/share/hafleet/503.html');
  for (const v of ['relative/x', '/a/../b', '/a/./b', '/a//b', '/a/', '/', '/a b', '/a";id;"b', '/a\nb', '/é']) refuses(fspath, v);
  refuses(fspath, '/usr/share/hafleet/../../etc/shadow', /'\.\.' segment/);
  assert.equal(fsname('web-1.prod'), 'web-1.prod');
  for (const v of ['', '.', '..', 'a/b', 'a b', '../x']) refuses(fsname, v);
});
