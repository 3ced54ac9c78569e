import { assertNever } from '../diagnostics/index.js';
import type { ClusterOutcome, HostResult } from './types.js';

/*
 * Deploy's results in words (pure): the CLI's views (progress, failure list) print these, as they
 * print recap.ts's lines. How they are drawn (listr2 on a TTY, plain lines) is the CLI's.
 */

/** One line saying how a host ended, for progress and the failure list. */
export function describeResult(r: HostResult): string {
  switch (r.status) {
    case 'ok':
      return r.recordWritten ? 'ok (deploy record refreshed)' : 'ok (no change)';
    case 'changed':
      return `changed: ${r.changed.length} file${r.changed.length === 1 ? '' : 's'}${r.handlers.length ? `; ran ${r.handlers.join(', ')}` : ''}`;
    case 'failed':
      return `failed at ${r.step}${r.rolledBack ? ' (rolled back)' : ''}: ${r.message}${r.hint ? ` (hint: ${r.hint})` : ''}`;
    case 'unreachable':
      return `unreachable: ${r.message}${r.hint ? ` (hint: ${r.hint})` : ''}`;
    case 'skipped':
      return `skipped: ${r.reason}`;
    default:
      return assertNever(r);
  }
}

/** Lines saying how a cluster's lane ended when it did not simply deploy (lock, rollback). */
export function describeCluster(c: ClusterOutcome): string[] {
  const head = `cluster ${c.cluster}: `;
  const out: string[] = [];
  switch (c.outcome) {
    case 'deployed':
      break;
    case 'locked':
      out.push(`${head}not deployed: ${c.reason ?? 'locked'}`);
      break;
    case 'stopped':
      out.push(`${head}stopped: ${c.reason ?? 'a director failed'}; nothing had changed on its directors`);
      break;
    case 'rolled-back': {
      const back = c.rolledBack.length ? `${c.rolledBack.join(', ')} put back on ${c.rolledBack.length === 1 ? 'its' : 'their'} previous files` : 'no director put back';
      const bad = c.rollbackFailed.map((f) => `${f.host} could not be put back (${f.message})`);
      const vips = c.holders ? ` VIPs on ${Object.entries(c.holders).map(([v, h]) => `${v}→${h}`).join(', ')}${c.settled ? ', serving' : ', NOT settled'}.` : '';
      out.push(`${head}rolled back after: ${c.reason ?? 'a failure'}. ${[back, ...bad].join('; ')}.${vips}`);
      break;
    }
    default:
      assertNever(c.outcome);
  }
  for (const w of c.warnings) out.push(`${head}warning: ${w}`);
  return out;
}
