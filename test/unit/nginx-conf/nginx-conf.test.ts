import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';
import { parseNginx, parseNginxDump, splitNginxDump, tokenizeNginx } from '../../../src/nginx-conf/index.js';

test('tokens: quotes with escapes, comments only at a word start, ${var}, line and column', () => {
  const text = 'set $a "x \\" y";  # comment\nreturn 200 \'it\\\'s\';\nadd_header X a#b;\nset $b ${a}c;\nlocation ~ \\.php$ {}\n';
  const { tokens, diagnostics } = tokenizeNginx(text, 'f');
  assert.deepEqual(diagnostics, []);
  assert.deepEqual(tokens.filter((t) => t.kind === 'word').map((t) => t.text), ['set', '$a', 'x " y', 'return', '200', "it's", 'add_header', 'X', 'a#b', 'set', '$b', '${a}c', 'location', '~', '.php$']);
  const ret = tokens.find((t) => t.text === 'return')!;
  assert.deepEqual([ret.line, ret.col], [2, 1]);
  assert.equal(tokens.find((t) => t.text === 'x " y')!.quoted, true);
});

test('tree: blocks, directives with file:line, include kept and not followed, lua blocks skipped', () => {
  const t = parseNginx('http {\n  include conf.d/*.conf;\n  upstream web {\n    server 198.18.1.21:80 weight=2;\n  }\n  content_by_lua_block { if x then ngx.say(1) end }\n}\n', '/etc/nginx/nginx.conf');
  assert.deepEqual(t.diagnostics, []);
  const http = t.directives[0]!;
  assert.equal(http.name, 'http');
  assert.deepEqual(http.block!.map((d) => [d.name, d.args, d.where.line]), [['include', ['conf.d/*.conf'], 2], ['upstream', ['web'], 3], ['content_by_lua_block', [], 6]]);
  assert.deepEqual(http.block![1]!.block![0], { name: 'server', args: ['198.18.1.21:80', 'weight=2'], where: { file: '/etc/nginx/nginx.conf', line: 4, col: 5 } });
});

test('tree: broken structure is a diagnostic with file:line, never a throw', () => {
  const cases: [string, RegExp][] = [
    ['http {\n  listen 80\n}\n', /f:2:3: directive 'listen' is not terminated by ';'/],
    ['http {\n', /f:1:1: 'http' block is never closed/],
    ['}\n', /f:1:1: unexpected '}'/],
    ['return "abc;\n', /f:1:8: unterminated " string/],
  ];
  for (const [text, want] of cases) {
    const got = parseNginx(text, 'f').diagnostics.map(formatDiagnostic).join('\n');
    assert.match(got, want, text);
  }
});

test('nginx -T: the real dump splits into its files, each parsed at its own lines', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hf-nginx-T-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'conf.d'));
  writeFileSync(join(dir, 'nginx.conf'), `error_log ${dir}/error.log;\npid ${dir}/nginx.pid;\nevents { worker_connections 64; }\nhttp {\n  include ${dir}/conf.d/*.conf;\n}\n`);
  writeFileSync(join(dir, 'conf.d/web.conf'), '# web\nupstream web {\n  server 198.18.1.21:80 weight=2;\n  server 198.18.1.22:80 backup;\n}');
  // nginx prints its verdict on stderr; callers often capture both, so put it in front.
  const out = execFileSync('nginx', ['-T', '-c', join(dir, 'nginx.conf'), '-p', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const dump = `nginx: the configuration file ${dir}/nginx.conf syntax is ok\n${out}`;
  const files = splitNginxDump(dump);
  assert.deepEqual(files.map((f) => f.file), [join(dir, 'nginx.conf'), join(dir, 'conf.d/web.conf')]);
  assert.ok(files[0]!.text.startsWith('error_log'), files[0]!.text);
  const parsed = parseNginxDump(dump);
  assert.deepEqual(parsed.flatMap((p) => p.tree.diagnostics), []);
  const web = parsed[1]!.tree.directives[0]!;
  assert.deepEqual(web.block!.map((d) => `${d.where.file}:${d.where.line} ${d.name} ${d.args.join(' ')}`), [
    `${join(dir, 'conf.d/web.conf')}:3 server 198.18.1.21:80 weight=2`,
    `${join(dir, 'conf.d/web.conf')}:4 server 198.18.1.22:80 backup`,
  ]);
});
