import { createHash } from 'node:crypto';
import type { AddressFact, DeployRecord, FileFact, HostFacts, ServiceManager } from './types.js';
import { MARK } from './script.js';

interface Section {
  head: string[];
  body: string[];
}

function sections(text: string): Section[] {
  const out: Section[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith(MARK + ' ')) {
      out.push({ head: splitHead(line.slice(MARK.length + 1)), body: [] });
    } else if (out.length > 0 && (line !== '' || out[out.length - 1]!.head[0] === 'probe')) {
      // A probe's output is kept as printed (blank lines included); every other section is line data.
      out[out.length - 1]!.body.push(line);
    }
  }
  return out;
}

/** `dir present /etc/a b` → ['dir', 'present', '/etc/a b']: the last field keeps its spaces. */
function splitHead(s: string): string[] {
  const words = s.split(' ');
  const fixed = words[0] === 'dir' ? 2 : words[0] === 'tool' ? 3 : 1;
  return words.length <= fixed ? words : [...words.slice(0, fixed), words.slice(fixed).join(' ')];
}

/** Why a report cannot be trusted (cut short, not ours), or null when it is whole. */
export function factsReportProblem(text: string): string | null {
  if (!text.startsWith(`${MARK} hafleet-facts 1`)) return 'the facts report does not start with its header';
  if (!text.trimEnd().endsWith(`${MARK} end`)) return 'the facts report was cut short';
  return null;
}

function emptyFile(path: string): FileFact {
  return { path, content: null, sha256: null, mode: null, owner: null, group: null };
}

/** `stat %a` prints 644; Ansible and the planner speak 0644. */
function octalMode(a: string): string {
  return a.length >= 4 ? a : a.padStart(4, '0');
}

/** Parse what the facts script printed (see script.ts) into HostFacts. Pure. */
export function parseFactsReport(host: string, text: string): HostFacts {
  const facts: HostFacts = { host, serviceManager: 'direct', processes: {}, files: {}, addresses: [], sysctls: {}, tools: {}, lastDeploy: null, managedFiles: {} };
  const fileOf = (p: string) => (facts.files[p] ??= emptyFile(p));
  for (const { head, body } of sections(text)) {
    const [kind, a, b] = head;
    switch (kind) {
      case 'service-manager':
        if (body[0] === 'systemd' || body[0] === 'sysv' || body[0] === 'direct') facts.serviceManager = body[0] as ServiceManager;
        break;
      case 'tool':
        if (a) facts.tools[a] = b === '1';
        break;
      case 'processes':
        for (const line of body) {
          const [name, pid] = line.split(' ');
          if (!name || !pid || !/^\d+$/.test(pid)) continue;
          const list = (facts.processes[name] ??= []);
          if (!list.includes(Number(pid))) list.push(Number(pid));
        }
        for (const list of Object.values(facts.processes)) list.sort((x, y) => x - y);
        break;
      case 'files':
        for (const line of body) {
          const sp = line.indexOf(' ');
          const kind = line.slice(0, sp);
          const path = line.slice(sp + 1);
          if (sp < 0 || !path) continue;
          if (kind === 'absent') facts.files[path] = emptyFile(path);
          else fileOf(path);
        }
        break;
      case 'stat':
        for (const line of body) {
          const m = /^([0-7]+) (\S+) (\S+) (\d+) (.+)$/.exec(line);
          if (!m) continue;
          const f = fileOf(m[5]!);
          f.mode = octalMode(m[1]!);
          f.owner = m[2]!;
          f.group = m[3]!;
        }
        break;
      case 'sha256':
        for (const line of body) {
          // sha256sum escapes a name holding a backslash and marks the line with a leading one.
          const m = /^(\\?)([0-9a-f]{64}) [ *](.+)$/.exec(line);
          if (!m) continue;
          const path = m[1] ? m[3]!.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\')) : m[3]!;
          fileOf(path).sha256 = m[2]!;
        }
        break;
      case 'content':
        if (a) fileOf(a).content = Buffer.from(body.join(''), 'base64').toString('utf8');
        break;
      case 'dir':
        if (b) facts.managedFiles![b] = a === 'present' ? body : [];
        break;
      case 'addr-json':
        facts.addresses = addressesFromJson(body.join('\n'));
        break;
      case 'addr-oneline':
        facts.addresses = addressesFromOneline(body);
        break;
      case 'sysctl':
        if (a) facts.sysctls[a] = body.join('\n').trim();
        break;
      case 'scope':
        if (a === 'record' || a === 'files') facts.readScope = a;
        break;
      case 'probe':
        if (a) (facts.probes ??= {})[a] = body.join('\n');
        break;
      case 'maintenance':
        // Any number but 0 is on, as the speakers read the director's track_file.
        facts.maintenance = /^\s*-?\d+/.test(body[0] ?? '') && Number(/-?\d+/.exec(body[0]!)![0]) !== 0;
        break;
      case 'realserver-ledger': {
        // Kept raw (with the checksum of its bytes): the fleet layer parses it, and writes the
        // next one only where the file is still what was read here.
        const bytes = Buffer.from(body.join(''), 'base64');
        facts.realserverLedger = { text: bytes.toString('utf8'), sha256: createHash('sha256').update(bytes).digest('hex') };
        break;
      }
      case 'realserver-ledger-big':
        // Too big to be one: unreadable as a ledger (vouches for nobody), replaceable by its checksum.
        if (a && /^[0-9a-f]{64}$/.test(a)) facts.realserverLedger = { text: '', sha256: a };
        break;
      case 'last-deploy':
        facts.lastDeploy = deployRecordOf(Buffer.from(body.join(''), 'base64').toString('utf8'));
        break;
      default:
        break;
    }
  }
  return facts;
}

function addressesFromJson(json: string): AddressFact[] {
  let links: unknown;
  try {
    links = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(links)) return [];
  const out: AddressFact[] = [];
  for (const link of links as { ifname?: string; addr_info?: { family?: string; local?: string; prefixlen?: number; label?: string }[] }[]) {
    for (const ai of link.addr_info ?? []) {
      if ((ai.family !== 'inet' && ai.family !== 'inet6') || !ai.local || typeof ai.prefixlen !== 'number' || !link.ifname) continue;
      out.push({ dev: link.ifname, address: ai.local, prefix: ai.prefixlen, family: ai.family, ...(ai.label ? { label: ai.label } : {}) });
    }
  }
  return out;
}

/** `2: eth0    inet 198.18.0.11/24 brd … scope global eth0:vip\       valid_lft …` */
function addressesFromOneline(lines: readonly string[]): AddressFact[] {
  const out: AddressFact[] = [];
  for (const line of lines) {
    const [main] = line.split('\\');
    const t = main!.trim().split(/\s+/);
    const dev = t[1]?.replace(/@.*$/, '');
    const family = t[2];
    const m = /^([^/]+)\/(\d+)$/.exec(t[3] ?? '');
    if (!dev || (family !== 'inet' && family !== 'inet6') || !m) continue;
    const last = t[t.length - 1]!;
    const label = family === 'inet' && (last === dev || last.startsWith(dev + ':')) ? last : undefined;
    out.push({ dev, address: m[1]!, prefix: Number(m[2]), family, ...(label ? { label } : {}) });
  }
  return out;
}

function deployRecordOf(json: string): DeployRecord | null {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return null;
  }
  const r = v as Partial<DeployRecord>;
  if (!r || typeof r.at !== 'string' || typeof r.by !== 'string' || typeof r.planId !== 'string' || !Array.isArray(r.files)) return null;
  const files = r.files.filter((f): f is { path: string; sha256: string } => !!f && typeof f.path === 'string' && typeof f.sha256 === 'string');
  return { ...(r as DeployRecord), at: r.at, by: r.by, planId: r.planId, files };
}
