import { randomBytes } from 'node:crypto';
import type { DesiredState, HostDesired } from '../render/types.js';
import type { HostFacts, DeployRecord, FactsFailure, FactsOutcome } from '../facts/types.js';
import type { Change, HostPlan, Plan } from './types.js';
import { deleteChange, fileChange, sha256 } from './file-change.js';
import { summarize } from './summary.js';

export interface PlanOptions {
  /** Fixed id and time for golden tests; a fresh id and the current time otherwise. */
  id?: string;
  now?: Date;
}

/** Facts per host as gathered: a value, or why the host could not be read. */
export type FactsByHost = Map<string, FactsOutcome>;

/**
 * DesiredState × Facts → Plan. Pure: the network was asked before (facts) and is asked after
 * (validation, apply), never here. Hosts keep the desired state's order.
 */
export function plan(desired: DesiredState, facts: FactsByHost, opts: PlanOptions = {}): Plan {
  const hosts: HostPlan[] = [];
  for (const [name, want] of desired) {
    const got = facts.get(name);
    if (!got) {
      hosts.push({ host: name, status: 'failed', message: 'no facts were gathered for this host', hint: 'a bug: please report it' });
    } else if (!got.ok) {
      hosts.push(failedHost(name, got.failure));
    } else {
      hosts.push(planHost(want, got.value));
    }
  }
  const now = opts.now ?? new Date();
  return { id: opts.id ?? newPlanId(now), createdAt: now.toISOString(), hosts, summary: summarize(hosts) };
}

export function newPlanId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

function failedHost(host: string, f: FactsFailure): HostPlan {
  const status = f.kind === 'unreachable' || f.kind === 'timeout' || f.kind === 'aborted' ? 'unreachable' : 'failed';
  return { host, status, message: f.message, ...(f.hint !== undefined ? { hint: f.hint } : {}) };
}

import { isManagedPath } from './managed-path.js';

function underDir(path: string, dir: string): boolean {
  const d = dir.endsWith('/') ? dir : dir + '/';
  return path.startsWith(d);
}

/** One host: files in the role's order, then removals, then the handlers they notify. */
export function planHost(want: HostDesired, have: HostFacts): HostPlan {
  const changes: Change[] = want.files.map((f) => fileChange(f, have.files[f.path], want.host));
  const rendered = new Set(want.files.map((f) => f.path));
  for (const placed of have.lastDeploy?.files ?? []) {
    if (rendered.has(placed.path)) continue;
    // Only what a role owns is ever removed: a normalised path below a managed directory.
    if (!isManagedPath(placed.path, want.managedPaths)) continue;
    const dir = want.managedPaths.find((d) => underDir(placed.path, d))!;
    // The daemon that read the removed file is the one its siblings notify.
    const notify = [...new Set(want.files.filter((f) => underDir(f.path, dir)).flatMap((f) => f.notify))];
    const del = deleteChange(placed.path, have.files[placed.path], notify, want.files.flatMap((f) => f.secrets));
    if (del) changes.push(del);
  }
  return {
    host: want.host,
    status: 'planned',
    changes,
    handlers: handlersToRun(want, changes),
    validations: [],
    recordCurrent: recordMatches(have.lastDeploy, want),
    ...(have.readScope === 'ledger' ? { notContacted: { why: have.notContacted ?? 'the directors\' realserver ledger vouches for it' } } : {}),
    ...(have.readScope === 'record' ? { checkedOnly: { read: 'deploy-record' as const, why: `role ${want.roles.join(', ')} renders no file on this host${changes.length ? '; an earlier deploy placed files here' : ''}` } } : {}),
  };
}

/** Each notified handler once, in the role's order (then by name for any the role did not list). */
export function handlersToRun(want: HostDesired, changes: readonly Change[]): string[] {
  const notified = new Set<string>();
  for (const c of changes) if (c.kind !== 'unchanged') for (const h of c.notify) notified.add(h);
  const order = new Map(want.handlers.map((h) => [h.name, h.order]));
  return [...notified].sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || a.localeCompare(b));
}

/** The record lists exactly the desired files with their checksums. */
export function recordMatches(record: DeployRecord | null, want: HostDesired): boolean {
  // Nothing managed and nothing placed before: no record to keep (saves a session per such host).
  if (!record) return want.files.length === 0;
  if (record.files.length !== want.files.length) return false;
  const bySha = new Map(record.files.map((f) => [f.path, f.sha256]));
  return want.files.every((f) => bySha.get(f.path) === sha256(f.content));
}

export function hostHasChanges(h: HostPlan): boolean {
  return h.status === 'planned' && h.changes.some((c) => c.kind !== 'unchanged');
}
