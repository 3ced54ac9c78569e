/**
 * The framed report of read-script.ts → HostSnapshot. Pure; a report cut short (connection lost,
 * host without base64) is a problem value, not an exception.
 */
import { IMPORT_MARK } from './read-script.js';
import { emptySnapshot, snapText, type HostSnapshot, type SnapRole } from './snapshot.js';

const ROLES = new Set<SnapRole>(['keepalived', 'script', 'nginx', 'sysctl-file', 'lo-script']);

const unb64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');


export function parseImportReport(host: string, out: string): { snapshot: HostSnapshot; problem?: string } {
  const snap = emptySnapshot(host);
  const lines = out.split('\n');
  if (!lines.some((l) => l === `${IMPORT_MARK} hafleet-import 1`)) return { snapshot: snap, problem: 'no import report (is base64 installed?)' };
  if (!lines.some((l) => l === `${IMPORT_MARK} done`)) return { snapshot: snap, problem: 'the import report was cut short' };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (!l.startsWith(IMPORT_MARK + ' ')) continue;
    const w = l.slice(IMPORT_MARK.length + 1).split(' ');
    const kind = w[0];
    if (kind === 'speaker' && (w[1] === 'keepalived' || w[1] === 'agent')) {
      if (!snap.speakers.includes(w[1])) snap.speakers.push(w[1]);
    } else if (kind === 'conf' && w[1]) snap.keepalivedConf = unb64(w[1]);
    else if (kind === 'include' && w[1] && w[2]) snap.includes.push({ from: unb64(w[1]), pattern: unb64(w[2]) });
    else if (kind === 'sysctls') {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== `${IMPORT_MARK} end`; i++) body.push(lines[i]!);
      for (const line of unb64(body.join('')).split('\n')) {
        const m = /^\/proc\/sys\/(net\/ipv4\/conf\/[^/:\s]+\/arp_(?:ignore|announce)):(\S+)$/.exec(line);
        if (m) snap.sysctls.set(m[1]!.replace(/\//g, '.'), m[2]!);
      }
    } else if (kind === 'sysctl' && w[1] && w[2] !== undefined) {
      // /proc/sys/net/ipv4/conf/eth0/arp_ignore → net.ipv4.conf.eth0.arp_ignore
      snap.sysctls.set(unb64(w[1]).replace(/^\/proc\/sys\//, '').replace(/\//g, '.'), w[2]);
    } else if ((kind === 'missing' || kind === 'refused' || kind === 'file') && w[1] && ROLES.has(w[1] as SnapRole) && w[2]) {
      const role = w[1] as SnapRole;
      const path = unb64(w[2]);
      snap.roles.set(path, role);
      if (kind === 'missing') snap.files.set(path, { kind: 'missing' });
      else if (kind === 'refused') snap.files.set(path, { kind: 'refused', reason: refusal(w.slice(3)) });
      else {
        const body: string[] = [];
        for (i++; i < lines.length && lines[i] !== `${IMPORT_MARK} end`; i++) body.push(lines[i]!);
        const mode = /^[0-7]{3,4}$/.test(w[3] ?? '') ? w[3] : undefined;
        const uid = /^\d+$/.test(w[4] ?? '') ? Number(w[4]) : undefined;
        snap.files.set(path, snapText(Buffer.from(body.join(''), 'base64'), { ...(mode ? { mode } : {}), ...(uid !== undefined ? { uid } : {}) }));
      }
    } else if (kind === 'nginx-T') {
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== `${IMPORT_MARK} end`; i++) body.push(lines[i]!);
      snap.nginxDump = { text: unb64(body.join('')), exitCode: Number(w[2] ?? 1) };
    }
  }
  return { snapshot: snap };
}

function refusal(words: string[]): string {
  switch (words[0]) {
    case 'too-big': return `larger than 1 MiB (${words[1] ?? '?'} bytes)`;
    case 'binary': return 'a binary file';
    case 'not-a-regular-file': return 'not a regular file';
    case 'unreadable': return 'not readable';
    default: return words.join(' ') || 'refused';
  }
}
