import { spawnSync } from 'node:child_process';
import { error, type Diagnostic, type Where } from '../diagnostics/index.js';
import { flatLayer, type InventoryBuilder } from './builder.js';
import type { VarValue, Vars } from './types.js';

/**
 * Runs an inventory script as Ansible's script plugin does: `SCRIPT --list` prints a JSON object
 * of groups (`{hosts, vars, children}` or a bare list of hosts) and `_meta.hostvars`; without
 * `_meta`, `SCRIPT --host H` is asked for each host. What it prints is data like any inventory
 * file: the gate (src/lint) types and refuses it later exactly as it would a YAML value.
 */
export type ScriptRunner = (file: string, args: readonly string[]) => { ok: true; stdout: string } | { ok: false; reason: string };

/** A script gets this long per call, and this much output, before it is a failure. */
export const SCRIPT_TIMEOUT_MS = 30_000;
export const SCRIPT_MAX_STDOUT = 64 * 1024 * 1024;

/** No shell: the file itself is executed, with its own directory as cwd (Ansible runs it so too). */
export const runScript: ScriptRunner = (file, args) => {
  const r = spawnSync(file, [...args], { encoding: 'utf8', timeout: SCRIPT_TIMEOUT_MS, maxBuffer: SCRIPT_MAX_STDOUT, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT') return { ok: false, reason: `did not finish within ${SCRIPT_TIMEOUT_MS / 1000} s` };
    if (code === 'ENOBUFS') return { ok: false, reason: `printed more than ${SCRIPT_MAX_STDOUT / 1024 / 1024} MiB` };
    return { ok: false, reason: r.error.message };
  }
  if (r.signal) return { ok: false, reason: `was killed by ${r.signal}` };
  if (r.status !== 0) return { ok: false, reason: `exited with status ${r.status}${r.stderr.trim() ? `: ${r.stderr.trim().split('\n').slice(-3).join(' / ').slice(0, 500)}` : ''}` };
  return { ok: true, stdout: r.stdout };
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readScriptInventory(file: string, b: InventoryBuilder, out: Diagnostic[], run: ScriptRunner = runScript): void {
  const where: Where = { file };
  const fail = (what: string, hint: string) => out.push(error('inventory-script', `inventory script ${file} ${what}`, where, hint));
  const list = callJson(file, ['--list'], run, fail);
  if (list === undefined) return;
  if (!isObject(list)) return void fail('--list printed JSON that is not an object of groups', 'print {"group": {"hosts": [...], "vars": {...}, "children": [...]}, "_meta": {"hostvars": {...}}}');

  const meta = isObject(list._meta) ? list._meta : undefined;
  const hostvars = meta && isObject(meta.hostvars) ? meta.hostvars : undefined;
  const seen = new Set<string>();
  const addHost = (group: string, host: unknown) => {
    if (typeof host !== 'string') return void fail(`--list: group '${group}' lists a host that is not a string: ${JSON.stringify(host)}`, 'host names are strings');
    b.host(host, where);
    b.addHost(group, host);
    seen.add(host);
  };
  for (const [name, body] of Object.entries(list)) {
    if (name === '_meta') continue;
    b.group(name, where);
    // Ansible's script plugin: a bare list is the group's hosts; else hosts, vars, children.
    if (Array.isArray(body)) { for (const h of body) addHost(name, h); continue; }
    if (!isObject(body)) { fail(`--list: group '${name}' is ${JSON.stringify(body)}, not an object or a list of hosts`, 'write {"hosts": [...]}'); continue; }
    if (body.hosts !== undefined) {
      if (Array.isArray(body.hosts)) for (const h of body.hosts) addHost(name, h);
      else fail(`--list: ${name}.hosts is not a list`, 'write "hosts": ["web1", "web2"]');
    }
    if (body.vars !== undefined) {
      if (isObject(body.vars)) b.groups.get(name)!.layers.push(flatLayer(body.vars as Vars, {}, { ...where, key: `${name}.vars` }));
      else fail(`--list: ${name}.vars is not an object`, 'write "vars": {"name": value}');
    }
    if (body.children !== undefined) {
      if (!Array.isArray(body.children)) { fail(`--list: ${name}.children is not a list`, 'write "children": ["group"]'); continue; }
      for (const c of body.children) {
        if (typeof c !== 'string') { fail(`--list: ${name}.children holds ${JSON.stringify(c)}`, 'group names are strings'); continue; }
        b.group(c, where);
        b.addChild(name, c);
      }
    }
  }
  for (const host of seen) {
    let vars: unknown;
    if (hostvars) vars = hostvars[host] ?? {};
    else {
      vars = callJson(file, ['--host', host], run, fail);
      if (vars === undefined) continue;
    }
    if (!isObject(vars)) { fail(`gave variables for host '${host}' that are not an object`, 'print {"name": value} for --host'); continue; }
    if (Object.keys(vars).length) b.hosts.get(host)!.layers.push(flatLayer(vars as Record<string, VarValue>, {}, { ...where, host }));
  }
}

function callJson(file: string, args: string[], run: ScriptRunner, fail: (what: string, hint: string) => void): unknown {
  const r = run(file, args);
  if (!r.ok) return void fail(`${args.join(' ')} ${r.reason}`, 'run it by hand with the same arguments; hafleet runs an executable file of the inventory as Ansible does');
  try {
    return JSON.parse(r.stdout);
  } catch (e) {
    return void fail(`${args.join(' ')} printed no JSON: ${(e as Error).message}`, 'the script must print one JSON document on stdout (messages go to stderr)');
  }
}
