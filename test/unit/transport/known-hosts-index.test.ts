import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entriesForHost, entryMatchesHost, hashHostName, parseKnownHosts } from '../../../src/transport/known-hosts.js';

/**
 * A fleet looks every host up in one known_hosts that holds every host: entriesForHost indexes
 * the plain-name lines once per parsed list. It must find exactly the lines, in file order, that
 * matching line by line finds (ssh's rules: wildcards, negations, hashed names, [host]:port).
 */
const K = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
const text = [
  `198.18.0.11,LB1.lab ssh-ed25519 ${K}`,
  `198.18.0.* ssh-rsa ${K}`,
  `${hashHostName('198.18.0.12')} ssh-ed25519 ${K}`,
  `198.18.0.*,!198.18.0.13 ecdsa-sha2-nistp256 ${K}`,
  `@revoked 198.18.0.12 ssh-ed25519 ${K}`,
  `[198.18.0.11]:2222 ssh-ed25519 ${K}`,
  `198.18.0.11 ecdsa-sha2-nistp256 ${K}`,
  `lb?.lab ssh-ed25519 ${K}`,
].join('\n');

test('the index finds the same lines in the same order as matching every line', () => {
  const entries = parseKnownHosts(text, 'kh');
  for (const name of ['198.18.0.11', '198.18.0.12', '198.18.0.13', 'lb1.lab', 'LB1.LAB', '[198.18.0.11]:2222', '198.18.0.99', 'nowhere']) {
    const slow = entries.filter((e) => entryMatchesHost(e, name)).map((e) => e.line);
    assert.deepEqual(entriesForHost(entries, name).map((e) => e.line), slow, name);
  }
  assert.deepEqual(entriesForHost(entries, '198.18.0.11').map((e) => e.line), [1, 2, 4, 7], 'plain, wildcard, wildcard with a negation not hit, plain again');
  assert.deepEqual(entriesForHost(entries, '198.18.0.13').map((e) => e.line), [2], 'the negation vetoes line 4');
});

test('a list of 500 hosts is looked up 500 times without a pattern walk per line', (t) => {
  const many = parseKnownHosts(Array.from({ length: 500 }, (_, i) => `198.18.${1 + (i >> 8)}.${i & 255} ssh-ed25519 ${K}`).join('\n'), 'kh');
  const start = performance.now();
  for (let i = 0; i < 500; i++) assert.equal(entriesForHost(many, `198.18.${1 + (i >> 8)}.${i & 255}`)[0]!.line, i + 1);
  t.diagnostic(`500 lookups in ${(performance.now() - start).toFixed(1)} ms`);
});
