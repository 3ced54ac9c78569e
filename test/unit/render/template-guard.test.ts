import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, createEnv, runTemplate } from '../../../src/render/handlebars-env.js';

const env = createEnv();
const CTX = { host: { name: 'lb1$(id>/tmp/x)', port: 80, vars: { note: 'x' } }, up: true, list: ['a', 'b'], nothing: null };

function render(src: string, ctx: unknown = CTX) {
  const c = compileTemplate(env, src);
  if (!c.ok) return c;
  return runTemplate(c.fn, ctx);
}

test('a raw string is refused, naming the variable, its line and column, and the helpers to use', () => {
  const r = render('#!/bin/sh\n# ok\necho {{host.name}}\n');
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.match(r.fault.message, /\{\{host\.name\}\} is a string and needs a context escaper/);
  assert.match(r.fault.message, /kq\/kw for keepalived/);
  assert.equal(r.fault.line, 3);
  assert.equal(r.fault.col, 7, "0-based column of 'host.name'");
  assert.ok(!r.fault.message.includes('$(id'), 'the value itself is not echoed (it may be a secret)');
});

test('the same value through its context helper renders', () => {
  const r = render('#!/bin/sh\nHOST={{sh host.name}}\n');
  assert.deepEqual(r, { ok: true, text: "#!/bin/sh\nHOST='lb1$(id>/tmp/x)'\n" });
});

test('numbers and booleans pass the guard untouched', () => {
  assert.deepEqual(render('listen {{host.port}}; {{up}}'), { ok: true, text: 'listen 80; true' });
  assert.deepEqual(render('{{#each list}}{{@index}} {{/each}}'), { ok: true, text: '0 1 ' });
});

test('every way of printing is guarded: triple-stash, this, @root, lookup, other helpers', () => {
  assert.deepEqual(render('{{#each list as |item|}}{{sh item}} {{/each}}'), { ok: true, text: "'a' 'b' " });
  for (const src of ['{{#each list as |item|}}{{item}}{{/each}}', '{{#each host.vars}}{{@key}}{{/each}}', '{{~host.name~}}', '{{{host.name}}}', '{{#each list}}{{this}}{{/each}}', '{{#with host}}{{name}}{{/with}}', '{{@root.host.name}}', '{{lookup host "name"}}', '{{lookup host.vars "note"}}', '{{"literal"}}']) {
    const r = render(src);
    assert.equal(r.ok, false, src);
    if (!r.ok) assert.match(r.fault.message, /string|not defined|undefined/, src);
  }
  // null is not "" any more: a template must test optional values with {{#if}}.
  const n = render('{{nothing}}');
  assert.equal(n.ok, false);
});

test('a misspelt variable is still a strict error at its own position, also inside a helper', () => {
  for (const src of ['{{host.nmae}}', '{{sh host.nmae}}', '{{kq host.nmae}}']) {
    const r = render(`x\n  ${src}`);
    assert.equal(r.ok, false, src);
    if (!r.ok) {
      assert.match(r.fault.message, /undefined variable "nmae"/, src);
      assert.equal(r.fault.line, 2, src);
    }
  }
});

test('a context helper refusing a value names the variable and the line, never the value', () => {
  const r = render('global_defs {\n    router_id {{kw host.name}}\n}\n');
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.match(r.fault.message, /^\{\{host\.name\}\}: kw: '\$' is not allowed in a keepalived word/);
  assert.equal(r.fault.line, 2);
});

test('helpers take exactly one value; partials and decorators are refused at compile time', () => {
  const r = render('{{sh host.name host.name}}');
  assert.equal(r.ok, false);
  for (const src of ['{{> other}}', '{{#> layout}}x{{/layout}}', '{{* deco}}']) {
    const c = compileTemplate(env, src);
    assert.equal(c.ok, false, src);
  }
});

test('the removed raw helpers are gone: join and shq no longer exist', () => {
  for (const src of ['{{join list " "}}', '{{shq host.name}}']) assert.equal(render(src).ok, false, src);
});
