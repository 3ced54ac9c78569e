import type { HostPlan, Plan } from './types.js';

/** Counts for the closing line and `--json`. */
export function summarize(hosts: readonly HostPlan[]): Plan['summary'] {
  const s: Plan['summary'] = { filesToChange: 0, hostsChanged: 0, handlers: {}, unreachable: 0, failed: 0, validationFailed: 0 };
  for (const h of hosts) {
    if (h.status === 'unreachable') s.unreachable++;
    else if (h.status === 'failed') s.failed++;
    else if (h.status === 'planned') {
      const n = h.changes.filter((c) => c.kind !== 'unchanged').length;
      s.filesToChange += n;
      if (n > 0) s.hostsChanged++;
      for (const name of h.handlers) s.handlers[name] = (s.handlers[name] ?? 0) + 1;
      s.validationFailed! += h.validations.filter((v) => !v.ok).length;
      if (h.checkedOnly) s.checkedOnly = (s.checkedOnly ?? 0) + 1;
      if (h.notContacted) s.notContacted = (s.notContacted ?? 0) + 1;
    }
  }
  return s;
}

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Handler runs grouped by verb: `reload keepalived` ×2 and `reload nginx` ×1 read as
 * "3 reloads (keepalived ×2, nginx ×1)"; names without a known verb count as "handlers".
 */
function handlerPhrases(handlers: Record<string, number>): string[] {
  const groups = new Map<string, { total: number; parts: string[] }>();
  for (const [name, n] of Object.entries(handlers).sort(([a], [b]) => a.localeCompare(b))) {
    const m = /^(reload|restart|start|stop)\s+(.+)$/.exec(name);
    const verb = m ? m[1]! : 'handler';
    const what = m ? m[2]! : name;
    const g = groups.get(verb) ?? { total: 0, parts: [] };
    g.total += n;
    g.parts.push(`${what} ×${n}`);
    groups.set(verb, g);
  }
  return [...groups].map(([verb, g]) => `${plural(g.total, verb)} (${g.parts.join(', ')})`);
}

/** "Plan: 5 files to change on 3 hosts, 2 reloads (keepalived ×2)." */
export function closingLine(plan: Plan): string {
  const s = plan.summary;
  const tail: string[] = [];
  if (s.unreachable) tail.push(`${plural(s.unreachable, 'host')} unreachable`);
  if (s.failed) tail.push(`${plural(s.failed, 'host')} failed`);
  if (s.checkedOnly) tail.push(`${plural(s.checkedOnly, 'host')} only checked (deploy record read: nothing managed there)`);
  if (s.notContacted) tail.push(`${plural(s.notContacted, 'realserver')} not contacted (nothing of hafleet's there; --contact-all asks them)`);
  if (s.validationFailed) tail.push(`${plural(s.validationFailed, 'file')} failing validation: deploy would fail`);
  if (s.filesToChange === 0) {
    const ok = plan.hosts.length - s.unreachable - s.failed;
    return [`No changes: ${plural(ok, 'host')} up to date`, ...tail].join(', ') + '.';
  }
  const head = `Plan: ${plural(s.filesToChange, 'file')} to change on ${plural(s.hostsChanged, 'host')}`;
  return [head, ...handlerPhrases(s.handlers), ...tail].join(', ') + '.';
}
