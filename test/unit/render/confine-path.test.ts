import { test } from 'node:test';
import assert from 'node:assert/strict';
import { confinePath } from '../../../src/render/index.js';

const MANAGED = ['/etc/keepalived', '/usr/share/hafleet'];

test('confinePath: a normalised absolute path under a managed path is accepted as is', () => {
  assert.deepEqual(confinePath('/usr/share/hafleet/503.html', MANAGED), { ok: true, path: '/usr/share/hafleet/503.html' });
  assert.deepEqual(confinePath('/etc/keepalived/sub/x.conf', MANAGED), { ok: true, path: '/etc/keepalived/sub/x.conf' });
});

test('confinePath: traversal, other directories, the managed directory itself and metacharacters are refused with a reason', () => {
  const cases: [string, RegExp][] = [
    ['/usr/share/hafleet/../../etc/shadow', /'\.\.' segment/],
    ['/etc/shadow', /outside the role's managed paths/],
    ['/usr/share/hafleet', /outside/],
    ['/usr/share/hafleetx/a.html', /outside/],
    ['/usr/share/hafleet/a";cd;id>x;"b.html', /'"' is not allowed/],
    ['/usr/share/hafleet/./a.html', /'\.' segment/],
    ['/usr/share/hafleet//a.html', /empty segment/],
    ['usr/share/hafleet/a.html', /not an absolute path/],
    ['/usr/share/hafleet/a\n.html', /newline/],
    ['/usr/share/hafleet/a\0.html', /NUL/],
    ['', /empty/],
  ];
  for (const [p, why] of cases) {
    const r = confinePath(p, MANAGED);
    assert.equal(r.ok, false, p);
    if (!r.ok) assert.match(r.reason, why, p);
  }
});

test('confinePath: a malformed managed path confines nothing', () => {
  assert.equal(confinePath('/etc/x', ['/']).ok, false);
  assert.equal(confinePath('/etc/x', ['/etc/../etc']).ok, false);
  assert.equal(confinePath('/etc/x', []).ok, false);
});
