import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decideHostKey, preferredHostKeyAlgorithms } from '../../../src/transport/host-key-policy.js';
import { blob, HASHED_K1_FOR_198_18_0_5, K1, K2, K3 } from './keys.js';

describe('host key policy', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hf-tr-hk-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const t = { host: 'lb1', address: '198.18.0.5', port: 22 };
  const sources = (name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return { files: [join(dir, 'missing'), f], recordFile: f };
  };

  it('accepts a key recorded in a hashed entry', () => {
    assert.deepEqual(decideHostKey(t, blob(K1), sources('a', HASHED_K1_FOR_198_18_0_5 + '\n'), false), { ok: true });
  });
  it('refuses a changed key naming the host, both fingerprints and the file line — even with accept-new', () => {
    const s = sources('b', `198.18.0.5 ${K1.type} ${K1.b64}\n`);
    const d = decideHostKey(t, blob(K2), s, true);
    assert.equal(d.ok, false);
    if (d.ok) return;
    assert.equal(d.failure.kind, 'host-key-changed');
    if (d.failure.kind !== 'host-key-changed') return;
    assert.equal(d.failure.expected, K1.fp);
    assert.equal(d.failure.got, K2.fp);
    assert.match(d.failure.message, /host lb1 \(198\.18\.0\.5\)/);
    assert.ok(d.failure.message.includes(K1.fp) && d.failure.message.includes(K2.fp));
    assert.ok(d.failure.message.includes(`${s.recordFile}:1`));
    assert.match(d.failure.hint, /ssh-keygen -R '198\.18\.0\.5'/);
    assert.equal(readFileSync(s.recordFile, 'utf8'), `198.18.0.5 ${K1.type} ${K1.b64}\n`, 'nothing recorded');
  });
  it('refuses an unknown key with its fingerprint and the two ways out', () => {
    const d = decideHostKey({ ...t, port: 2222 }, blob(K1), sources('c', ''), false);
    assert.equal(!d.ok && d.failure.kind, 'host-key-unknown');
    if (d.ok || d.failure.kind !== 'host-key-unknown') return;
    assert.equal(d.failure.fingerprint, K1.fp);
    assert.match(d.failure.message, /198\.18\.0\.5:2222.*not known.*SHA256:Lhdz/);
    assert.match(d.failure.hint, /--accept-new-host-keys/);
    assert.match(d.failure.hint, /ssh-keyscan -p 2222 198\.18\.0\.5/);
  });
  it('records an unknown key with accept-new, and knows it afterwards', () => {
    const s = sources('d', '# inventory known hosts\n');
    const d = decideHostKey({ ...t, port: 2222 }, blob(K1), s, true);
    assert.deepEqual(d, { ok: true, recorded: { file: s.recordFile, fingerprint: K1.fp } });
    assert.equal(readFileSync(s.recordFile, 'utf8'), `# inventory known hosts\n[198.18.0.5]:2222 ${K1.type} ${K1.b64}\n`);
    assert.deepEqual(decideHostKey({ ...t, port: 2222 }, blob(K1), s, false), { ok: true });
  });
  it('starts a new line when the file has no final newline, so two hosts stay apart', () => {
    const s = sources('f', `198.18.0.9 ${K2.type} ${K2.b64}`);
    assert.equal(decideHostKey(t, blob(K1), s, true).ok, true);
    assert.equal(readFileSync(s.recordFile, 'utf8'), `198.18.0.9 ${K2.type} ${K2.b64}\n198.18.0.5 ${K1.type} ${K1.b64}\n`);
    // Both are known afterwards; before the fix the glued line made the other host's key look changed.
    assert.deepEqual(decideHostKey({ ...t, address: '198.18.0.9' }, blob(K2), s, false), { ok: true });
    assert.deepEqual(decideHostKey(t, blob(K1), s, false), { ok: true });
  });
  it('never records a key of a new type when another type is recorded', () => {
    const s = sources('e', `198.18.0.5 ${K1.type} ${K1.b64}\n`);
    const d = decideHostKey(t, blob(K3), s, true);
    assert.equal(!d.ok && d.failure.kind, 'host-key-unknown');
    assert.match(!d.ok ? d.failure.message : '', /only ssh-ed25519 keys are recorded/);
  });
  it('asks the server for a recorded key type first', () => {
    const s = sources('f', `198.18.0.5 ${K3.type} ${K3.b64}\n`);
    const algos = preferredHostKeyAlgorithms(t, s, ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512']);
    assert.deepEqual(algos, ['ecdsa-sha2-nistp256', 'ssh-ed25519', 'rsa-sha2-512']);
  });
});
