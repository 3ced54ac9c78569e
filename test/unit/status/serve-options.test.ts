import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkServeAccess, isLoopback, parseServeAddress, tokenMatches } from '../../../src/status/serve-options.js';

test('--serve ADDR:PORT forms, and the default 127.0.0.1:9180', () => {
  const ok = (spec: string | undefined) => {
    const r = parseServeAddress(spec);
    assert.ok(r.ok, JSON.stringify(r.diagnostics));
    return r.value;
  };
  assert.deepEqual(ok(undefined), { addr: '127.0.0.1', port: 9180 });
  assert.deepEqual(ok(''), { addr: '127.0.0.1', port: 9180 });
  assert.deepEqual(ok('127.0.0.1:9999'), { addr: '127.0.0.1', port: 9999 });
  assert.deepEqual(ok('9100'), { addr: '127.0.0.1', port: 9100 });
  assert.deepEqual(ok(':9100'), { addr: '127.0.0.1', port: 9100 });
  assert.deepEqual(ok('198.18.0.1'), { addr: '198.18.0.1', port: 9180 });
  assert.deepEqual(ok('[::1]:9181'), { addr: '::1', port: 9181 });
  assert.deepEqual(ok('[::1]'), { addr: '::1', port: 9180 });
  for (const bad of ['localhost:9180', 'example.org', '1.2.3.4:99999', '1.2.3.4:x', '::1:9180', '[::1]:', '1.2.3.4:']) {
    const r = parseServeAddress(bad);
    assert.equal(r.ok, false, bad);
    assert.equal(r.diagnostics[0]!.code, 'serve-address');
    assert.match(r.diagnostics[0]!.hint!, /ADDR:PORT/);
  }
});

test('loopback is 127/8 and ::1 only', () => {
  for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopback(a), true, a);
  for (const a of ['0.0.0.0', '::', '198.18.0.1', '10.0.0.1', '::ffff:10.0.0.1', '128.0.0.1']) assert.equal(isLoopback(a), false, a);
});

test('a non-loopback address needs a token; a token must not be trivially short', () => {
  assert.deepEqual(checkServeAccess({ addr: '127.0.0.1', port: 9180 }, undefined), []);
  const [d] = checkServeAccess({ addr: '0.0.0.0', port: 9180 }, undefined);
  assert.equal(d!.code, 'serve-token-required');
  assert.match(d!.message, /^0\.0\.0\.0:9180 is not a loopback address and no --token was given/);
  assert.match(d!.hint!, /--token/);
  assert.deepEqual(checkServeAccess({ addr: '0.0.0.0', port: 9180 }, 'x'.repeat(32)), []);
  assert.equal(checkServeAccess({ addr: '::', port: 1 }, 'short')[0]!.code, 'serve-token-short');
});

test('the token comes as a bearer header or ?token=, and must match exactly', () => {
  const t = 'c0ffee'.repeat(6);
  assert.equal(tokenMatches(t, `Bearer ${t}`, null), true);
  assert.equal(tokenMatches(t, `bearer ${t}`, null), true);
  assert.equal(tokenMatches(t, undefined, t), true);
  assert.equal(tokenMatches(t, undefined, null), false);
  assert.equal(tokenMatches(t, undefined, ''), false);
  assert.equal(tokenMatches(t, `Bearer ${t}x`, null), false);
  assert.equal(tokenMatches(t, `Bearer ${t.slice(1)}`, null), false);
  assert.equal(tokenMatches(t, `Basic ${t}`, null), false);
  assert.equal(tokenMatches(t, `Bearer wrong`, t), false, 'a wrong header is not rescued by the query');
});

test('the CLI flags: --serve alone is the default, the token may come from HAFLEET_STATUS_TOKEN, exit codes', async () => {
  const { serveOptionsFrom, serveExitCode } = await import('../../../src/status/serve-options.js');
  const d = serveOptionsFrom(true, undefined);
  assert.ok(d.ok);
  assert.deepEqual(d.value, { addr: '127.0.0.1', port: 9180 });
  const env = { HAFLEET_STATUS_TOKEN: 'a'.repeat(20) };
  const e = serveOptionsFrom('0.0.0.0:9180', undefined, env);
  assert.ok(e.ok);
  assert.equal(e.value.token, env.HAFLEET_STATUS_TOKEN);
  const refused = serveOptionsFrom('198.18.0.1:9180', undefined, {});
  assert.equal(refused.ok, false);
  assert.equal(serveExitCode(refused.diagnostics), 64);
  assert.equal(serveExitCode([{ severity: 'error', code: 'serve-port-in-use', message: '', where: {} }]), 1);
});
