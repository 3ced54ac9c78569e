import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { must } from './run.js';

/** The lab's login key (ed25519, no passphrase); returns the public key line. */
export async function generateUserKey(root: string, lab: string): Promise<{ privateKey: string; publicKey: string }> {
  const privateKey = join(root, 'id_ed25519');
  await rm(privateKey, { force: true });
  await rm(privateKey + '.pub', { force: true });
  await must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `hafleet-lab-${lab}`, '-f', privateKey]);
  return { privateKey, publicKey: await readFile(privateKey + '.pub', 'utf8') };
}

/** A fresh ed25519 host key per host (fast for ed25519); returns the public key line. */
export async function generateHostKey(etcSshDir: string, host: string): Promise<string> {
  const key = join(etcSshDir, 'ssh_host_ed25519_key');
  await must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${host}`, '-f', key]);
  return (await readFile(key + '.pub', 'utf8')).trim();
}

/** known_hosts by address: `198.18.1.11 ssh-ed25519 AAAA…` (the comment dropped). */
export function knownHostsText(entries: readonly { address: string; publicKey: string }[]): string {
  return entries.map((e) => {
    const [type, blob] = e.publicKey.trim().split(/\s+/);
    return `${e.address} ${type} ${blob}\n`;
  }).join('');
}

export async function writeKnownHosts(path: string, entries: readonly { address: string; publicKey: string }[]): Promise<void> {
  await writeFile(path, knownHostsText(entries), { mode: 0o644 });
}
