import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { checkHostKey, hashHostName, knownHostsName, parseKnownHosts, patternListMatches, recordedKeyTypes } from '../../../src/transport/known-hosts.js';
import { blob, HASHED_K1_FOR_198_18_0_5, K1, K2, K3, K4 } from './keys.js';

const check = (text: string, name: string, k: { type: string; b64: string }) => checkHostKey(parseKnownHosts(text, 'kh'), name, k.type, blob(k));

describe('known_hosts parsing', () => {
  it('reads plain, hashed and marked lines and skips comments and junk', () => {
    const es = parseKnownHosts(
      [
        '# comment',
        `198.18.0.5,lb1 ${K1.type} ${K1.b64} root@lb1`,
        HASHED_K1_FOR_198_18_0_5,
        `@revoked * ${K2.type} ${K2.b64}`,
        `@cert-authority *.lab ${K3.type} ${K3.b64}`,
        '@bogus x ssh-ed25519 AAAA',
        'only-two-fields ssh-ed25519',
        '',
      ].join('\n'),
      'f',
    );
    assert.equal(es.length, 4);
    assert.deepEqual(es.map((e) => [e.line, e.marker, e.hosts.kind]), [[2, null, 'patterns'], [3, null, 'hashed'], [4, 'revoked', 'patterns'], [5, 'cert-authority', 'patterns']]);
  });
  it('looks a non-22 port up as [host]:port', () => {
    assert.equal(knownHostsName('LB1.Lab', 22), 'lb1.lab');
    assert.equal(knownHostsName('198.18.0.5', 2222), '[198.18.0.5]:2222');
  });
});

describe('host matching', () => {
  it('matches a plain name in a comma list', () => {
    assert.equal(check(`lb1,198.18.0.5 ${K1.type} ${K1.b64}`, '198.18.0.5', K1).kind, 'known');
    assert.equal(check(`lb1,198.18.0.5 ${K1.type} ${K1.b64}`, '198.18.0.6', K1).kind, 'unknown');
  });
  it('matches a hashed entry written by ssh-keygen -H', () => {
    assert.equal(check(HASHED_K1_FOR_198_18_0_5, '198.18.0.5', K1).kind, 'known');
    assert.equal(check(HASHED_K1_FOR_198_18_0_5, '198.18.0.50', K1).kind, 'unknown');
  });
  it('matches a hashed entry made here with HMAC-SHA1 over [host]:port', () => {
    const salt = randomBytes(20);
    const mac = createHmac('sha1', salt).update('[198.18.0.7]:2222').digest('base64');
    const line = `|1|${salt.toString('base64')}|${mac} ${K1.type} ${K1.b64}`;
    assert.equal(check(line, '[198.18.0.7]:2222', K1).kind, 'known');
    assert.equal(check(line, '198.18.0.7', K1).kind, 'unknown', 'port 22 is a different name');
    assert.equal(hashHostName('[198.18.0.7]:2222', salt), line.split(' ')[0]);
  });
  it('does not let [host]:port entries match port 22, nor the reverse', () => {
    assert.equal(check(`[198.18.0.5]:2222 ${K1.type} ${K1.b64}`, '198.18.0.5', K1).kind, 'unknown');
    assert.equal(check(`[198.18.0.5]:2222 ${K1.type} ${K1.b64}`, '[198.18.0.5]:2222', K1).kind, 'known');
  });
  it('honours wildcards and negation', () => {
    assert.ok(patternListMatches(['198.18.0.*'], '198.18.0.42'));
    assert.ok(patternListMatches(['lb?.lab'], 'lb1.lab'));
    assert.ok(!patternListMatches(['lb?.lab'], 'lb10.lab'));
    assert.ok(!patternListMatches(['198.18.0.*', '!198.18.0.13'], '198.18.0.13'));
    assert.ok(patternListMatches(['[198.18.0.*]:2222'], '[198.18.0.9]:2222'));
    assert.ok(!patternListMatches(['198.18.0.5'], '198.18.0.50'), 'a plain name is not a prefix match');
  });
});

describe('checkHostKey verdicts', () => {
  it('a different key of the same type is a changed key, naming the recorded entry', () => {
    const v = check(`# x\n198.18.0.5 ${K1.type} ${K1.b64}`, '198.18.0.5', K2);
    assert.equal(v.kind, 'changed');
    assert.equal(v.kind === 'changed' && `${v.expected.file}:${v.expected.line}`, 'kh:2');
  });
  it('a key of another type when only other types are recorded is unknown, listing them', () => {
    const v = check(`198.18.0.5 ${K1.type} ${K1.b64}`, '198.18.0.5', K3);
    assert.deepEqual(v, { kind: 'unknown', otherTypes: ['ssh-ed25519'] });
  });
  it('a revoked key is refused even when also recorded as good', () => {
    const v = check(`198.18.0.5 ${K1.type} ${K1.b64}\n@revoked 198.18.0.* ${K1.type} ${K1.b64}`, '198.18.0.5', K1);
    assert.equal(v.kind, 'revoked');
  });
  it('a revoked line for other hosts does not touch this one', () => {
    const v = check(`198.18.0.5 ${K1.type} ${K1.b64}\n@revoked 198.18.1.* ${K1.type} ${K1.b64}`, '198.18.0.5', K1);
    assert.equal(v.kind, 'known');
  });
  it('@cert-authority lines are never taken as the host key', () => {
    assert.equal(check(`@cert-authority * ${K1.type} ${K1.b64}`, '198.18.0.5', K1).kind, 'unknown');
  });
  it('any of several recorded keys is accepted (ssh-keyscan writes one per type)', () => {
    const text = `198.18.0.5 ${K1.type} ${K1.b64}\n198.18.0.5 ${K4.type} ${K4.b64}`;
    assert.equal(check(text, '198.18.0.5', K4).kind, 'known');
    assert.deepEqual(recordedKeyTypes(parseKnownHosts(text), '198.18.0.5'), ['ssh-ed25519', 'ssh-rsa']);
  });
});
