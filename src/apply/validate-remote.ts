import { randomBytes } from 'node:crypto';
import { mapLimit } from '../async/index.js';
import type { DesiredState } from '../render/types.js';
import type { HostRef, Transport } from '../transport/types.js';
import type { HostPlan, Plan, ValidationOutcome } from '../plan/index.js';
import { q, dirname, wrapScript, writeFileLines } from './shell.js';
import { sweepValidateLines } from './deploy-script.js';
import { makeValidateDirLines, validateLines, type ValidateItem } from './validate-script.js';
import { parseScriptOutput } from './script-output.js';
import { tidyMessage } from './host-deploy.js';

export interface ValidateOptions {
  signal?: AbortSignal;
  forks?: number;
}

/** Content changes (not metadata-only) of a planned host: path → new content. */
export function contentChanges(h: Extract<HostPlan, { status: 'planned' }>, desired: DesiredState): Map<string, string> {
  const files = new Map((desired.get(h.host)?.files ?? []).map((f) => [f.path, f.content]));
  const out = new Map<string, string>();
  for (const c of h.changes) if ((c.kind === 'create' || c.kind === 'update') && !c.metaOnly) out.set(c.path, files.get(c.path)!);
  return out;
}

function isExecutable(mode: string | undefined): boolean {
  return mode !== undefined && /^[0-7]+$/.test(mode) && (parseInt(mode, 8) & 0o111) !== 0;
}

/**
 * The plan-time check Ansible's check mode skips: each changed file with a validator is put in
 * a fresh /tmp/hafleet-validate.* (outside every include dir), checked with the real tool, and
 * the directory removed. One remote process per host.
 */
export function planValidationScript(h: Extract<HostPlan, { status: 'planned' }>, desired: DesiredState, vdir: string): string | null {
  const changed = contentChanges(h, desired);
  const items: ValidateItem[] = [];
  for (const c of h.changes) {
    if ((c.kind === 'create' || c.kind === 'update') && !c.metaOnly && c.validate) items.push({ path: c.path, src: `${vdir}/new${c.path}`, content: changed.get(c.path)!, validate: c.validate });
  }
  if (items.length === 0) return null;
  const sources = new Map([...changed.keys()].map((p) => [p, `${vdir}/new${p}`]));
  const deleted = h.changes.filter((c) => c.kind === 'delete').map((c) => c.path);
  const modes = new Map(h.changes.flatMap((c) => (c.kind === 'create' || c.kind === 'update' ? [[c.path, c.mode] as const] : [])));
  const reachable = [...changed.keys()].some((p) => isExecutable(modes.get(p)));
  const body = [...sweepValidateLines(), ...makeValidateDirLines(vdir, reachable ? '0711' : '0700'), `hafleet_cleanup() { rm -rf -- ${q(vdir)}; }`, 'trap hafleet_cleanup EXIT'];
  for (const [path, content] of changed) {
    const src = sources.get(path)!;
    const mode = modes.get(path);
    // Every copy is 0600 (umask 077) in 0700 dirs, except a new executable: keepalived -t checks
    // that its script_user (nobody by default) can reach a referenced track script ("Disabling
    // track script … since not found/accessible" otherwise), so it gets exactly its planned mode,
    // never more readable than the installed file, and the dirs above the copies are search-only
    // (0711: no listing); the 0600 copies beside it stay unreadable.
    body.push(reachable ? `(umask 066 && mkdir -p -- ${q(dirname(src))})` : `mkdir -p -- ${q(dirname(src))}`, ...writeFileLines(src, content));
    if (isExecutable(mode)) body.push(`chmod ${q(mode!)} ${q(src)}`);
  }
  // The outcome is in the valid/invalid lines; the exit status says the same for a human reading it.
  body.push(...validateLines(items, sources, deleted, vdir), 'exit "$invalid"');
  return wrapScript(body);
}

export async function validatePlanOnHosts(plan: Plan, desired: DesiredState, transport: Transport, refs: ReadonlyMap<string, HostRef>, o: ValidateOptions = {}): Promise<Map<string, ValidationOutcome[]>> {
  const out = new Map<string, ValidationOutcome[]>();
  const planned = plan.hosts.filter((h): h is Extract<HostPlan, { status: 'planned' }> => h.status === 'planned');
  await mapLimit(planned, o.forks ?? 50, async (h) => {
    const vdir = `/tmp/hafleet-validate.${randomBytes(6).toString('hex')}`;
    const script = planValidationScript(h, desired, vdir);
    const ref = refs.get(h.host);
    if (!script || !ref) return;
    const r = await transport.exec(ref, 'bash -s', { stdin: script, ...(o.signal ? { signal: o.signal } : {}), timeoutMs: 60_000 });
    if (!r.ok) {
      out.set(h.host, [{ path: '*', ok: false, message: `could not validate: ${r.failure.message}` }]);
      return;
    }
    const report = parseScriptOutput(r.value.stdout);
    const vs = report.validations.map((v) => ({ ...v, message: tidyMessage(v.message) }));
    if (r.value.code !== 0 && vs.length === 0) vs.push({ path: '*', ok: false, message: `validation script failed (exit ${r.value.code}): ${(r.value.stderr || report.other.join('\n')).trim()}` });
    out.set(h.host, vs);
  });
  return out;
}
