/**
 * Issue 12's acceptance test: every string-valued key of the model (walked from
 * src/topology/keys.ts, so a new key is covered without editing this file), every host name and
 * every group name is set to each hostile value. Each case must be EITHER refused (an error
 * diagnostic from the inventory loader, the validation gate or render) OR rendered with exactly
 * the structure of the benign render: same files at the same paths, keepalived configs with the
 * same statements and blocks (hafleet's own keepalived parser), `keepalived -t` and `nginx -t`
 * accepting exactly when they accept the benign files, and every shell script passing `bash -n`
 * and ShellCheck with the same commands as the benign one. Runs the real tools locally as root,
 * inside a private network namespace (`unshare -n`) with a veth pair; no packet leaves it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../../src/diagnostics/index.js';
import { loadInventory, type Inventory } from '../../src/inventory/index.js';
import { gateInventory } from '../../src/lint/index.js';
import { renderFleet, type DesiredState } from '../../src/render/index.js';
import { clusterSpec, hostVarSpecs, type KeySpec, type Topology } from '../../src/topology/index.js';
import { tokenize } from '../../src/keepalived-conf/conf-lexer.js';
import { buildTree, type Stmt } from '../../src/keepalived-conf/conf-tree.js';

type Seg = string | number;
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

// ---- the hostile values: appended to a benign value, so that the value's other checks (an
// absolute path, an address…) still pass and the payload reaches the templates when it can.
const HOSTILE: [string, string][] = [
  ['newline+directive', '\nnotify_master /bin/id root; id #'],
  ['dquote', '"'],
  ['squote', "'"],
  ['brace', '}'],
  ['semicolon', ';'],
  ['cmdsubst', '$(id)'],
  ['backticks', '`id`'],
  ['traversal', '/../../etc/shadow'],
  ['nul', '\0'],
  ['ansi', '\x1b[31m'],
  ['cr', '\r'],
  ['non-ascii', 'é\u2028'],
  ['4KiB', 'A'.repeat(4096)],
];

// ---- the benign inventories: every string key set to a value keepalived/nginx accept.
const NOTIFY = { user: 'nobody', script: '/bin/true', master: '/bin/true', backup: '/bin/true', fault: '/bin/true', stop: '/bin/true', log_file: '/var/log/hafleet-notify.log' };
const NGINX = { proxy_connect_timeout: '2s', proxy_read_timeout: '30s', proxy_send_timeout: '30s', fail_timeout: '10s', error_page: '/usr/share/hafleet/503.html' };
const TRACK = { nginx: { name: 'chk_web', script: '/bin/true', user: 'nobody' } };
const HOST_VARS = {
  ansible_host: '198.18.0.11', ansible_ssh_host: '198.18.0.11',
  ansible_user: 'deploy', ansible_ssh_user: 'deploy', ansible_ssh_private_key_file: '/root/.ssh/id_ed25519', ansible_private_key_file: '/root/.ssh/id_ed25519',
  ansible_become_user: 'root', ansible_become_method: 'sudo', ansible_ssh_extra_args: '-o ProxyJump=jump', ansible_ssh_common_args: '-o ProxyJump=jump',
  hafleet_known_hosts: 'known_hosts', hafleet_proxy_jump: 'admin@198.18.0.1:22', vrrp_interface: 'eth0', vrrp_state: 'MASTER',
  vrrp_engine: 'keepalived', hafleet_agent_command: 'hafleet agent', service_manager: 'systemd',
  vrrp_router_id: 'lb1-router', vrrp_script_user: 'nobody',
};

/**
 * Keys this sweep cannot judge by "same structure as the benign render", each with the test that
 * does: a passthrough is keepalived/nginx text by type (any statement is its content; what it
 * must not do is leave its place), and hafleet_files entries name files on the admin box.
 */
const CHECKED_ELSEWHERE: Record<string, string> = {
  extra_keepalived: 'test/unit/render/passthrough.test.ts: closing its block, include, $VAR, continuation, CR refused at the gate and by kblock',
  extra_nginx: 'test/unit/render/passthrough.test.ts: load_module, lua, include refused by nblock',
  'hafleet_files[].src': 'test/unit/render/user-files.test.ts: ../, absolute, symlink out, binary, too big refused with the key named',
  'hafleet_files[].dest': 'test/unit/render/user-files.test.ts: outside the allowed dirs, .. refused at the gate',
  'hafleet_files[].mode': 'test/unit/render/user-files.test.ts: setuid, group-writable, unquoted refused',
};

interface Base { name: string; cluster: Record<string, Json>; directorVars: Record<string, Json>; rsVars: Record<string, Json> }

const BASES: Base[] = [
  {
    name: 'nginx+keepalived',
    cluster: {
      name: 'web', mode: 'nginx', vrrp_engine: 'keepalived', directors: 'directors', realservers: 'webservers', interface: 'eth0',
      vrrp: { version: 2, auth_pass: 's3cret' },
      instances: [{ name: 'web_51', vrid: 51, master: 'lb2', vips: ['198.18.0.100/24', { address: '198.18.0.101/24', dev: 'eth0', label: 'eth0:5' }] }],
      services: [{ vip: '198.18.0.100', port: 80, protocol: 'TCP', lb_algo: 'wrr', health_check: { type: 'HTTP_GET', path: '/health' } }],
      track: TRACK, notify: NOTIFY, nginx: NGINX,
    },
    directorVars: { ...HOST_VARS, unicast_src_ip: '198.18.0.11' },
    rsVars: { realserver_address: '198.18.0.21' },
  },
  {
    name: 'lvs-dr+keepalived',
    cluster: {
      name: 'shop', mode: 'lvs-dr', vrrp_engine: 'keepalived', directors: 'directors', realservers: 'webservers', interface: 'eth0',
      vrrp: { version: 2, auth_pass: 's3cret', unicast: true },
      vrid: 61, vips: ['198.18.0.100/24', { address: '198.18.0.101/24', dev: 'eth0', label: 'eth0:6' }],
      services: [{ vip: '198.18.0.100', port: 80, protocol: 'TCP', lb_algo: 'wlc', sorry_server: '198.18.0.50:80', health_check: { type: 'HTTP_GET', path: '/health' } }],
      notify: NOTIFY,
    },
    directorVars: { ...HOST_VARS, unicast_src_ip: '198.18.0.11' },
    rsVars: { realserver_address: '198.18.0.21' },
  },
  {
    name: 'nginx+agent',
    cluster: {
      // Host lists instead of group names: directors[] and realservers[] are keys too.
      name: 'app', mode: 'nginx', vrrp_engine: 'agent', directors: ['lb1', 'lb2'], realservers: ['web1', 'web2'], interface: 'eth0',
      vrrp: { version: 2, auth_pass: 's3cret' },
      vrid: 71, vips: ['198.18.0.100/24'],
      track: TRACK, notify: NOTIFY, nginx: NGINX,
    },
    directorVars: { ...HOST_VARS, vrrp_engine: 'agent', service_manager: 'direct', unicast_src_ip: '198.18.0.11' },
    rsVars: { realserver_address: '198.18.0.21' },
  },
];

// ---- enumerate the string keys of the model.
interface Key { where: 'cluster' | 'host'; path: Seg[]; label: string }

function stringPaths(spec: KeySpec, path: Seg[], out: Seg[][]): void {
  switch (spec.type) {
    case 'string': out.push(path); return;
    case 'object': for (const [k, v] of Object.entries(spec.props)) stringPaths(v, [...path, k], out); return;
    case 'array': stringPaths(spec.items, [...path, 0], out); return;
    case 'anyOf': for (const o of spec.options) stringPaths(o, path, out); return;
    default: return; // numbers, booleans; maps are keyed by host names (covered by the renames)
  }
}

function enumerateKeys(): Key[] {
  const seen = new Set<string>();
  const keys: Key[] = [];
  const add = (where: Key['where'], path: Seg[]) => {
    const label = `${where === 'cluster' ? 'hafleet_clusters[].' : ''}${path.map((s) => (typeof s === 'number' ? '[]' : s)).join('.').replace(/\.\[\]/g, '[]')}`;
    if (!seen.has(label)) { seen.add(label); keys.push({ where, path, label }); }
  };
  const cp: Seg[][] = [];
  stringPaths(clusterSpec, [], cp);
  for (const p of cp) add('cluster', p);
  for (const [k, spec] of Object.entries(hostVarSpecs)) {
    const hp: Seg[][] = [];
    stringPaths(spec, [k], hp);
    for (const p of hp) add('host', p);
  }
  return keys;
}

/** Where a key path lands in this base: an array index picks an item of the right shape (a string, or an object). */
function resolve(root: Json, path: Seg[]): Seg[] | null {
  const out: Seg[] = [];
  let cur: Json = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (typeof seg === 'number') {
      if (!Array.isArray(cur)) return null;
      const wantObject = i + 1 < path.length;
      const idx = cur.findIndex((x) => (wantObject ? x !== null && typeof x === 'object' && !Array.isArray(x) : typeof x === 'string'));
      if (idx < 0) return null;
      out.push(idx);
      cur = cur[idx]!;
    } else {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !(seg in cur)) return null;
      out.push(seg);
      cur = cur[seg]!;
    }
  }
  return typeof cur === 'string' ? out : null;
}

function getAt(root: Json, path: Seg[]): Json {
  return path.reduce<Json>((c, s) => (c as Record<string | number, Json>)[s]!, root);
}
function setAt(root: Json, path: Seg[], v: Json): void {
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, Json>;
  parent[path.at(-1)!] = v;
}

// ---- the inventory file (JSON is YAML: every control character is written as an escape).
function inventoryText(b: Base, cluster: Json, dirVars: Record<string, Json>, names: { lb1: string; directors: string }, rsVars = b.rsVars): string {
  const c = structuredClone(cluster) as Record<string, Json>;
  if (c['directors'] === 'directors') c['directors'] = names.directors;
  if (Array.isArray(c['directors'])) c['directors'] = c['directors'].map((h) => (h === 'lb1' ? names.lb1 : h));
  return JSON.stringify({
    all: {
      vars: { hafleet_clusters: [c] },
      children: {
        [names.directors]: { hosts: { [names.lb1]: { ...dirVars }, lb2: { ...b.directorVars, ansible_host: '198.18.0.12', ansible_ssh_host: '198.18.0.12', unicast_src_ip: '198.18.0.12' } } },
        webservers: { hosts: { web1: { ansible_host: '198.18.0.21', ...rsVars }, web2: { ansible_host: '198.18.0.22', ...b.rsVars, realserver_address: '198.18.0.22' } } },
      },
    },
  }, null, 1);
}

type Outcome = { refused: true; diagnostics: Diagnostic[] } | { refused: false; desired: DesiredState };

function run(dir: string, text: string): Outcome {
  const file = join(dir, 'hosts.yml');
  writeFileSync(file, text);
  const inv = loadInventory(file, {});
  if (!inv.ok) return { refused: true, diagnostics: inv.diagnostics };
  const gate = gateInventory(inv.value);
  if (!gate.ok) return { refused: true, diagnostics: gate.diagnostics };
  const r = renderFleet(inv.value, gate.value, { overrideDir: null });
  if (!r.ok) return { refused: true, diagnostics: r.diagnostics };
  return { refused: false, desired: r.value };
}

// ---- structure of each kind of file.
const LIST_BLOCKS = new Set(['virtual_ipaddress', 'virtual_ipaddress_excluded', 'track_script', 'track_interface', 'unicast_peer', 'virtual_routes']);

function keepalivedShape(text: string): string {
  const files = { read: () => text, list: () => [] };
  const lex = tokenize('/k.conf', files);
  const tree = buildTree(lex.tokens);
  // A list block's items are one line each; their optional words (a VIP's label) may come and go.
  const shape = (stmts: Stmt[], owner: string): unknown => stmts.map((s) => (LIST_BLOCKS.has(owner) ? ['<item>', s.block ? shape(s.block, s.keyword) : null] : [
    s.keyword,
    s.args.map((a) => (a.quoted ? 'q' : 'w')).join(''),
    s.block ? shape(s.block, s.keyword) : null,
  ]));
  return JSON.stringify({ tree: shape(tree.stmts, ''), errors: [...lex.diagnostics, ...tree.diagnostics].filter((d) => d.severity === 'error').length });
}

/** nginx's own token rules (ngx_conf_read_token): words, "…"/'…' with \ escapes, ; { } and # comments. */
function nginxShape(text: string): string {
  const stack: unknown[][] = [[]];
  let words: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (c === ';' || c === '{' || c === '}') {
      const top = stack.at(-1)!;
      if (c === ';') { top.push([words[0], words.length]); words = []; }
      else if (c === '{') { const blk: unknown[] = []; top.push([words[0], words.length, blk]); stack.push(blk); words = []; }
      else { if (words.length) top.push(['<dangling>', words.length]); words = []; if (stack.length > 1) stack.pop(); else top.push(['<extra }>']); }
      i++;
      continue;
    }
    let w = '';
    if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c) { if (text[i] === '\\') i++; w += text[i] ?? ''; i++; }
      i++;
      words.push('q');
    } else {
      while (i < text.length && !/[\s;{}"']/.test(text[i]!)) w += text[i++];
      words.push(w);
    }
    // Directive names are compared, arguments only counted.
    if (words.length > 1) words[words.length - 1] = 'a';
  }
  return JSON.stringify({ tree: stack[0], open: stack.length - 1, dangling: words.length });
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
const isKeepalived = (p: string) => p.startsWith('/etc/keepalived/') && p.endsWith('.conf');
const isNginx = (p: string) => p.startsWith('/etc/nginx/conf.d/');
const isScript = (content: string) => content.startsWith('#!/bin/sh') || content.startsWith('#!/bin/bash');

/** Every file of a render, with host names replaced by their position (a renamed host is the same host). */
function filesOf(d: DesiredState): Map<string, { path: string; content: string; validate?: string }> {
  const out = new Map<string, { path: string; content: string; validate?: string }>();
  [...d.values()].forEach((hd, i) => { for (const f of hd.files) out.set(`h${i}:${f.path}`, { path: f.path, content: f.content, validate: f.validate }); });
  return out;
}

// ---- the real tools, batched: one namespace, one pass over every distinct file.
interface ToolResults { rc: Map<string, number>; out: Map<string, string>; shape: Map<string, string>; sc: Map<string, string> }

function runTools(work: string, ka: Map<string, string>, ng: Map<string, string>, sh: Map<string, string>): ToolResults {
  const res: ToolResults = { rc: new Map(), out: new Map(), shape: new Map(), sc: new Map() };
  for (const d of ['ka', 'ng', 'sh']) rmSync(join(work, d), { recursive: true, force: true }), mkdirSync(join(work, d), { recursive: true });
  for (const [h, text] of ka) writeFileSync(join(work, 'ka', `${h}.conf`), text);
  for (const [h, text] of ng) {
    mkdirSync(join(work, 'ng', h));
    writeFileSync(join(work, 'ng', h, 'hafleet.conf'), text);
    writeFileSync(join(work, 'ng', h, 'nginx.conf'), 'pid nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n    access_log off;\n    include hafleet.conf;\n}\n');
  }
  for (const [h, text] of sh) writeFileSync(join(work, 'sh', `${h}.sh`), text);
  // keepalived -t needs the interfaces to exist (a veth pair in a private namespace: no dummy module here) and, as 2.2.7
  // under -t with script_user, to be PID 1 of a fresh PID namespace. The shape: bash prints the
  // script as a function body (comments gone, layout normalised); bash -n passed first, so the
  // script is balanced and the eval only defines the function.
  const script = `set -u
ip link set lo up; ip link add eth0 type veth peer name hfpeer0; ip link set eth0 up; ip link set hfpeer0 up; ip addr add 198.18.0.11/24 dev eth0
cd ${work}
for f in ka/*.conf; do [ -e "$f" ] || continue; unshare --pid --fork keepalived -t -f "$f" >"$f.out" 2>&1; echo $? >"$f.rc"; done
for d in ng/*/; do [ -e "$d" ] || continue; nginx -t -q -e stderr -p "$PWD/$d" -c "$PWD/$d/nginx.conf" >"$d/out" 2>&1; echo $? >"$d/rc"; done
for f in sh/*.sh; do [ -e "$f" ] || continue; bash -n "$f" >"$f.out" 2>&1; r=$?; echo $r >"$f.rc"
  if [ $r = 0 ]; then env -i bash --norc --noprofile -c 'eval "hafleet_shape() {
$(cat "$1")
}" && declare -f hafleet_shape' _ "$f" >"$f.shape" 2>&1 </dev/null; fi; done
`;
  writeFileSync(join(work, 'run.sh'), script);
  execFileSync('unshare', ['-n', '--', 'sh', join(work, 'run.sh')], { stdio: 'ignore', timeout: 600_000 });
  const read = (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return ''; } };
  for (const h of ka.keys()) { res.rc.set(`ka:${h}`, Number(read(join(work, 'ka', `${h}.conf.rc`)))); res.out.set(`ka:${h}`, read(join(work, 'ka', `${h}.conf.out`))); }
  for (const h of ng.keys()) { res.rc.set(`ng:${h}`, Number(read(join(work, 'ng', h, 'rc')))); res.out.set(`ng:${h}`, read(join(work, 'ng', h, 'out'))); }
  for (const h of sh.keys()) {
    res.rc.set(`sh:${h}`, Number(read(join(work, 'sh', `${h}.sh.rc`))));
    // Single-quoted text (and '\'' joins) is data: replaced by one placeholder.
    // A run of quoted words is one placeholder: a word list (hafleet_agent_command) may have more words, not more commands.
    res.shape.set(h, read(join(work, 'sh', `${h}.sh.shape`)).replace(/(?:'[^']*'|\\')+/g, 'Q').replace(/Q(?: Q)+/g, 'Q'));
  }
  if (sh.size) {
    const files = [...sh.keys()].map((h) => join(work, 'sh', `${h}.sh`));
    const r = spawnSync('shellcheck', ['-S', 'warning', '-s', 'sh', '-f', 'json1', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const comments = (JSON.parse(r.stdout || '{"comments":[]}') as { comments: { file: string; code: number }[] }).comments;
    for (const h of sh.keys()) {
      const f = join(work, 'sh', `${h}.sh`);
      res.sc.set(h, comments.filter((c) => c.file === f).map((c) => `SC${c.code}`).sort().join(','));
    }
  }
  return res;
}

/**
 * Compare each rendered case with its benign render: same files, same keepalived statements and
 * nginx directives, the same verdict of keepalived -t / nginx -t, bash -n, the same commands and
 * the same ShellCheck findings. Tools run once per distinct file.
 */
function checkRendered(work: string, rendered: { id: string; desired: DesiredState; benign: DesiredState }[], strictTools = true) {
  const semantic = new Set<string>();
  // Collect every distinct file that differs from its benign twin, and the benign twins, for one tool pass.
  const ka = new Map<string, string>(); const ng = new Map<string, string>(); const sh = new Map<string, string>();
  const failures: string[] = [];
  const failedCases = new Set<string>();
  const fail = (caseId: string, msg: string) => { failedCases.add(caseId); failures.push(msg); };
  const pairs: { caseId: string; id: string; kind: 'ka' | 'ng' | 'sh'; hostile: string; benign: string }[] = [];
  for (const c of rendered) {
    const hf = filesOf(c.desired);
    const bf = filesOf(c.benign);
    const id = c.id;
    if (JSON.stringify([...hf.keys()].sort()) !== JSON.stringify([...bf.keys()].sort())) { fail(id, `${id}: the set of files differs from the benign render`); continue; }
    for (const [k, f] of hf) {
      const b = bf.get(k)!;
      if (f.validate !== b.validate) {
        // apply replaces {path} with the temporary file's path.
        const cmd = (v?: string) => `#!/bin/sh\n${(v ?? '').replaceAll('{path}', '/etc/keepalived/.hafleet-tmp')}\n`;
        const hs = cmd(f.validate); const bs = cmd(b.validate);
        sh.set(sha(hs), hs); sh.set(sha(bs), bs);
        pairs.push({ caseId: id, id: `${id} ${k} (validate)`, kind: 'sh', hostile: sha(hs), benign: sha(bs) });
      }
      if (f.content === b.content) continue;
      const kind = isKeepalived(f.path) ? 'ka' : isNginx(f.path) ? 'ng' : isScript(b.content) ? 'sh' : null;
      if (!kind) { fail(id, `${id} ${k}: changed a file that holds no inventory value`); continue; }
      if (kind === 'ka' && keepalivedShape(f.content) !== keepalivedShape(b.content)) fail(id, `${id} ${k}: keepalived statements differ from the benign render`);
      if (kind === 'ng' && nginxShape(f.content) !== nginxShape(b.content)) fail(id, `${id} ${k}: nginx directives differ from the benign render`);
      const m = kind === 'ka' ? ka : kind === 'ng' ? ng : sh;
      m.set(sha(f.content), f.content); m.set(sha(b.content), b.content);
      pairs.push({ caseId: id, id: `${id} ${k}`, kind, hostile: sha(f.content), benign: sha(b.content) });
    }
  }
  const toolsStarted = Date.now();
  const tools = runTools(work, ka, ng, sh);
  for (const p of pairs) {
    const hr = tools.rc.get(`${p.kind}:${p.hostile}`); const br = tools.rc.get(`${p.kind}:${p.benign}`);
    if (p.kind === 'sh') {
      if (hr !== 0) fail(p.caseId, `${p.id}: bash -n fails`);
      else if (tools.shape.get(p.hostile) !== tools.shape.get(p.benign)) fail(p.caseId, `${p.id}: the script's commands differ from the benign one`);
      if (tools.sc.get(p.hostile) !== tools.sc.get(p.benign)) fail(p.caseId, `${p.id}: ShellCheck findings ${tools.sc.get(p.hostile)} vs benign ${tools.sc.get(p.benign)}`);
    } else if ((hr === 0) !== (br === 0) && !strictTools) {
      // Same structure, a value the tool refuses (an unknown interface): deploy's validation stops it.
      semantic.add(p.caseId);
    } else if ((hr === 0) !== (br === 0)) {
      fail(p.caseId, `${p.id}: ${p.kind === 'ka' ? 'keepalived' : 'nginx'} -t ${hr === 0 ? 'accepts' : 'refuses'} it, ${br === 0 ? 'accepts' : 'refuses'} the benign file: ${(tools.out.get(`${p.kind}:${p.hostile}`) ?? '').split('\n').filter((l) => /rror|WARN|emerg|Unknown/i.test(l)).slice(0, 2).join(' | ')}`);
    }
  }
  // The benign files themselves must pass, or "same as benign" would prove nothing.
  for (const p of pairs) {
    if (p.kind !== 'sh' && tools.rc.get(`${p.kind}:${p.benign}`) !== 0) failures.push(`benign ${p.kind} file of ${p.id} fails its check: ${tools.out.get(`${p.kind}:${p.benign}`)?.slice(0, 300)}`);
    if (p.kind === 'sh' && tools.sc.get(p.benign) !== '') failures.push(`benign script of ${p.id} has ShellCheck findings ${tools.sc.get(p.benign)}`);
  }
  return { failures, failedCases, semantic, ka, ng, sh, toolsMs: Date.now() - toolsStarted };
}

function names(ds: Diagnostic[]): boolean {
  return ds.some((d) => d.severity === 'error' && (d.where.key !== undefined || d.where.host !== undefined || d.where.line !== undefined));
}

test('hostile values: every string key, host name and group name is refused or rendered with the benign structure', { timeout: 600_000 }, () => {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'hf-hostile-'));
  try {
    const keys = enumerateKeys();
    type Case = { base: Base; key: string; value: string; outcome: Outcome; benign: Outcome };
    const cases: Case[] = [];
    const covered = new Set<string>();
    let refused = 0;
    const unnamed: string[] = [];
    for (const base of BASES) {
      const dirVars = { ...base.directorVars };
      const benignText = inventoryText(base, base.cluster, dirVars, { lb1: 'lb1', directors: 'directors' });
      const benign = run(work, benignText);
      assert.equal(benign.refused, false, `${base.name}: the benign inventory renders:\n${benign.refused ? benign.diagnostics.map(formatDiagnostic).join('\n') : ''}`);
      const targets: { label: string; make: (payload: string) => string }[] = [];
      for (const k of keys) {
        if (k.where === 'cluster') {
          const at = resolve(base.cluster, k.path);
          if (!at) continue;
          const v0 = getAt(base.cluster, at) as string;
          targets.push({ label: k.label, make: (p) => { const c = structuredClone(base.cluster) as Json; setAt(c, at, v0 + p); return inventoryText(base, c, dirVars, { lb1: 'lb1', directors: 'directors' }); } });
        } else {
          // On director lb1, or on realserver web1 for a realserver's key.
          const name = k.path[0] as string;
          const same = { lb1: 'lb1', directors: 'directors' };
          if (k.path.length !== 1) continue;
          if (typeof dirVars[name] === 'string') targets.push({ label: k.label, make: (p) => inventoryText(base, base.cluster, { ...dirVars, [name]: (dirVars[name] as string) + p }, same) });
          else if (typeof base.rsVars[name] === 'string') targets.push({ label: k.label, make: (p) => inventoryText(base, base.cluster, dirVars, same, { ...base.rsVars, [name]: (base.rsVars[name] as string) + p }) });
        }
      }
      // lb1 is named nowhere else (the instances' master is lb2): renaming it renames the host.
      targets.push({ label: '<host name>', make: (p) => inventoryText(base, base.cluster, dirVars, { lb1: 'lb1' + p, directors: 'directors' }) });
      targets.push({ label: '<group name>', make: (p) => inventoryText(base, base.cluster, dirVars, { lb1: 'lb1', directors: 'directors' + p }) });
      for (const t of targets) {
        covered.add(t.label);
        for (const [vname, payload] of HOSTILE) {
          const outcome = run(work, t.make(payload));
          if (outcome.refused) {
            refused++;
            assert.ok(outcome.diagnostics.some((d) => d.severity === 'error'), `${base.name} ${t.label}=${vname}: refused with an error`);
            if (!names(outcome.diagnostics)) unnamed.push(`${base.name} ${t.label}=${vname}`);
          }
          cases.push({ base, key: t.label, value: vname, outcome, benign });
        }
      }
    }
    const missing = keys.map((k) => k.label).filter((l) => !covered.has(l) && !(l in CHECKED_ELSEWHERE));
    assert.deepEqual(missing, [], 'every string key has a benign value in at least one base inventory (add one to BASES)');

    const rendered = cases.filter((c) => !c.outcome.refused).map((c) => ({ id: `${c.base.name} ${c.key}=${c.value}`, desired: (c.outcome as { desired: DesiredState }).desired, benign: (c.benign as { desired: DesiredState }).desired }));
    const { failures, failedCases, ka, ng, sh, toolsMs } = checkRendered(work, rendered);
    const unique = [...new Set(failures)];
    const keyCount = new Set(cases.map((c) => c.key)).size;
    console.log(`hostile-values: ${keyCount} keys × ${HOSTILE.length} values = ${keyCount * HOSTILE.length} cases (${cases.length} over ${BASES.length} base inventories), ${refused} refused, ${cases.length - refused - failedCases.size} rendered safely, ${failedCases.size} unsafe`);
    console.log(`hostile-values: tools checked ${ka.size} keepalived, ${ng.size} nginx, ${sh.size} shell files in ${toolsMs} ms; total ${Date.now() - started} ms`);
    assert.deepEqual(unique, [], `${unique.length} unsafe renders:\n${unique.slice(0, 40).join('\n')}`);
    assert.deepEqual(unnamed, [], 'a refusal names the key, the host or the line');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

/** Topology fields whose value selects what is rendered rather than being written. */
const SELECTORS = new Set(['mode', 'engine', 'type']);

/** Every string inside a value, as a path (Maps by key, arrays by index); `where`/`source` are locations, not data. */
function stringLeaves(v: unknown, path: Seg[], out: Seg[][]): void {
  if (typeof v === 'string') { out.push(path); return; }
  if (v instanceof Map) { for (const [k, x] of v) stringLeaves(x, [...path, String(k)], out); return; }
  if (Array.isArray(v)) { v.forEach((x, i) => stringLeaves(x, [...path, i], out)); return; }
  if (v && typeof v === 'object' && !(v instanceof Set)) for (const [k, x] of Object.entries(v)) if (k !== 'where' && k !== 'source') stringLeaves(x, [...path, k], out);
}
function setDeep(root: unknown, path: Seg[], value: string): void {
  let cur = root as Record<string | number, unknown>;
  for (const seg of path.slice(0, -1)) cur = (cur instanceof Map ? cur.get(seg) : cur[seg]) as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (cur instanceof Map) cur.set(last, value); else cur[last] = value;
}

test('render alone (the type gate bypassed): every string of the topology and of the host variables is refused by render or rendered with the benign structure', { timeout: 600_000 }, () => {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'hf-hostile-render-'));
  try {
    const rendered: { id: string; desired: DesiredState; benign: DesiredState }[] = [];
    let total = 0; let refused = 0; let leaves = 0;
    const crashes: string[] = [];
    for (const base of BASES) {
      const file = join(work, `${base.name.replace(/\W/g, '_')}.yml`);
      writeFileSync(file, inventoryText(base, base.cluster, base.directorVars, { lb1: 'lb1', directors: 'directors' }));
      const inv = loadInventory(file, {});
      assert.ok(inv.ok);
      const gate = gateInventory(inv.value);
      assert.ok(gate.ok, gate.diagnostics.map(formatDiagnostic).join('\n'));
      const benign = renderFleet(inv.value, gate.value, { overrideDir: null });
      assert.ok(benign.ok);
      // One target per distinct string VALUE: every place holding it changes together (a host
      // name in the roles map, the members and the inventory; a track script's name and its
      // references), so the render stays consistent and only the text differs. Values that
      // select what is rendered (mode, engine, check type) are not text and are left out.
      const leavesOf = new Map<string, Seg[][]>();
      const topoPaths: Seg[][] = [];
      stringLeaves(gate.value.clusters, ['clusters'], topoPaths);
      const selectors = new Set<string>();
      for (const p of topoPaths) {
        const v = getDeepValue(gate.value, p) as string;
        if (SELECTORS.has(String(p.at(-1)))) selectors.add(v);
        leavesOf.set(v, [...(leavesOf.get(v) ?? []), p]);
      }
      const varPaths: Seg[][] = [];
      for (const h of ['lb1', 'web1']) stringLeaves(inv.value.hosts.get(h)!.vars, [h], varPaths);
      const hostNames = [...gate.value.roles.keys()];
      const values = new Set([...leavesOf.keys(), ...hostNames]);
      const targets: { id: string; apply: (pl: string) => { inv: Inventory; topo: Topology } }[] = [];
      for (const v of values) {
        if (selectors.has(v)) continue;
        targets.push({ id: `topology value ${JSON.stringify(v)}${hostNames.includes(v) ? ' (a host name)' : ''}`, apply: (pl) => {
          const nv = v + pl;
          const t = structuredClone(gate.value);
          for (const p of leavesOf.get(v) ?? []) setDeep(t, p, nv);
          const roles = new Map([...t.roles].map(([k, r]) => [k === v ? nv : k, r]));
          const hosts = new Map([...inv.value.hosts].map(([k, h]) => (k === v ? [nv, { ...h, name: nv }] : [k, h])));
          return { inv: { ...inv.value, hosts }, topo: { ...t, roles } };
        } });
      }
      for (const p of varPaths) {
        targets.push({ id: `vars.${p.join('.')}`, apply: (pl) => {
          const hosts = new Map(inv.value.hosts);
          const h = hosts.get(p[0] as string)!;
          const vars = structuredClone(h.vars);
          setDeep(vars, p.slice(1), String(getDeepValue(h.vars, p.slice(1))) + pl);
          hosts.set(h.name, { ...h, vars });
          return { inv: { ...inv.value, hosts }, topo: gate.value };
        } });
      }
      leaves += targets.length;
      for (const t of targets) {
        for (const [vname, payload] of HOSTILE) {
          total++;
          const id = `${base.name} ${t.id}=${vname}`;
          const { inv: i2, topo } = t.apply(payload);
          let r: ReturnType<typeof renderFleet>;
          try {
            r = renderFleet(i2, topo, { overrideDir: null });
          } catch (e) {
            crashes.push(`${id}: render threw ${(e as Error).message.split('\n')[0]}`);
            continue;
          }
          if (!r.ok) {
            refused++;
            assert.ok(r.diagnostics.some((d) => d.severity === 'error' && (d.where.host !== undefined || d.where.file !== undefined)), `${id}: a refusal names the host or the template`);
            continue;
          }
          rendered.push({ id, desired: r.value, benign: benign.value });
        }
      }
    }
    const { failures, failedCases, semantic, ka, ng, sh, toolsMs } = checkRendered(work, rendered, false);
    const unique = [...new Set([...crashes, ...failures])];
    console.log(`hostile-values (render alone): ${leaves} strings × ${HOSTILE.length} values = ${total} cases, ${refused} refused by render, ${rendered.length - failedCases.size} rendered safely (${semantic.size} of them with the same structure but a value keepalived/nginx -t refuses, e.g. an unknown interface: the type gate's to refuse), ${failedCases.size + crashes.length} unsafe`);
    console.log(`hostile-values (render alone): tools checked ${ka.size} keepalived, ${ng.size} nginx, ${sh.size} shell files in ${toolsMs} ms; total ${Date.now() - started} ms`);
    if (process.env.HOSTILE_DEBUG) console.log('semantic:', [...semantic].join('\n'));
    if (process.env.HOSTILE_DEBUG) {
      const groups = new Map<string, string[]>();
      for (const u of unique) { const k = u.replace(/=[^ :]+/, '=*').replace(/ h\d:\S*/, ''); groups.set(k, [...(groups.get(k) ?? []), u]); }
      for (const [k, n] of groups) console.log(n.length, k.slice(0, 160), '|', n[0]!.slice(0, 400).replace(/\n/g, ' '));
    }
    assert.deepEqual(unique, [], `${unique.length} unsafe renders:\n${unique.slice(0, 40).join('\n')}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

function getDeepValue(root: unknown, path: Seg[]): unknown {
  let cur = root as Record<string | number, unknown>;
  for (const seg of path) cur = (cur instanceof Map ? cur.get(seg) : cur[seg]) as Record<string | number, unknown>;
  return cur;
}
