import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needsSudo, shellQuote, sudoCommand, sudoWantsPassword, SUDO_PASSWORD_REJECTED } from '../../../src/transport/become.js';

/**
 * A stand-in sudo on PATH: `-S -p '' -v` checks the password line it reads against $FAKE_PW;
 * `-n -u U -- sh -c CMD` runs CMD when validated (a marker file), else says what real sudo says.
 * Every argv is logged so the test can prove the password is never on a command line.
 */
const FAKE_SUDO = `#!/bin/sh
echo "$*" >> "$FAKE_DIR/argv.log"
if [ "$1" = "-S" ]; then
  IFS= read -r line
  [ "$line" = "$FAKE_PW" ] && touch "$FAKE_DIR/validated" && exit 0
  echo "sudo: 1 incorrect password attempt" >&2; exit 1
fi
if [ "$1" = "-n" ]; then
  if [ -n "$FAKE_PW" ] && [ ! -e "$FAKE_DIR/validated" ]; then echo "sudo: a password is required" >&2; exit 1; fi
  shift 4; [ "$1" = "--" ] && shift; exec "$@"
fi
exit 99
`;

describe('become through sudo', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hf-tr-sudo-'));
    writeFileSync(join(dir, 'sudo'), FAKE_SUDO);
    chmodSync(join(dir, 'sudo'), 0o755);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const sh = (cmd: string, input: string, pw: string) => {
    rmSync(join(dir, 'validated'), { force: true });
    return spawnSync('sh', ['-c', cmd], { input, env: { PATH: `${dir}:/usr/bin:/bin`, FAKE_DIR: dir, FAKE_PW: pw }, encoding: 'utf8' });
  };

  it('quotes any string for sh', () => {
    const nasty = `it's "$(rm -rf /)" \`x\` \\ ;`;
    assert.equal(spawnSync('sh', ['-c', `printf %s ${shellQuote(nasty)}`], { encoding: 'utf8' }).stdout, nasty);
  });
  it('uses sudo only when become is asked and the user differs', () => {
    const h = { name: 'a', address: '198.18.0.5', port: 22, user: 'deploy', become: true, becomeUser: 'root' };
    assert.equal(needsSudo(h), true);
    assert.equal(needsSudo({ ...h, user: 'root' }), false);
    assert.equal(needsSudo({ ...h, become: false }), false);
  });
  it('runs with sudo -n when no password is given', () => {
    const r = sh(sudoCommand(`echo "as $0"; cat`, 'root', false), 'payload', '');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'as sh\npayload');
    assert.match(readFileSync(join(dir, 'argv.log'), 'utf8'), /^-n -u root -- sh -c /m);
  });
  it('feeds the password on stdin, keeps the rest of stdin for the command, never puts it in argv', () => {
    const r = sh(sudoCommand('cat', 'root', true), 'pa$$ word\nline one\nline two\n', 'pa$$ word');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'line one\nline two\n');
    assert.ok(!readFileSync(join(dir, 'argv.log'), 'utf8').includes('pa$$ word'));
  });
  it('reports a rejected password with its own exit code', () => {
    const r = sh(sudoCommand('echo never', 'root', true), 'wrong\n', 'right');
    assert.equal(r.status, SUDO_PASSWORD_REJECTED);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /hafleet: sudo rejected the become password/);
  });
  it("recognises sudo's need for a password", () => {
    const r = sh(sudoCommand('echo never', 'root', false), '', 'needed');
    assert.equal(r.status, 1);
    assert.ok(sudoWantsPassword(r.stderr));
    assert.ok(!sudoWantsPassword('nginx: [emerg] unknown directive'));
  });
});
