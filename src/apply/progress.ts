import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import { assertNever } from '../diagnostics/index.js';
import { printable } from '../terminal/index.js';
import type { ClusterOutcome, DeployEvent, HostResult } from './types.js';

/** A result's words come from the host (a tool's output): shown, never obeyed by the terminal. */
const shownResult = (r: HostResult): string => printable(describeResult(r), { keepOwnColour: false });

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

export interface Progress {
  onEvent(e: DeployEvent): void;
  /** Resolves when the presenter has drawn the last state. */
  done(): Promise<void>;
}

/** Plain lines on stderr: CI logs and pipes. */
export function plainProgress(write: (line: string) => void): Progress {
  return {
    onEvent(e) {
      if (e.kind === 'host-start') write(`${e.host}: deploying`);
      else if (e.kind === 'host-step') write(`${e.host}: ${e.step}`);
      else if (e.kind === 'host-done') write(`${e.host}: ${describeResult(e.result)}`);
      else if (e.kind === 'vip-wait') write(`cluster ${e.cluster}: waiting for exactly one director per VIP after ${e.after}`);
      else if (e.kind === 'vip-settled') write(`cluster ${e.cluster}: VIPs on ${Object.entries(e.holders).map(([v, h]) => `${v}→${h}`).join(', ')}`);
      else if (e.kind === 'serve-check') write(`cluster ${e.cluster}: proving ${e.host} serves with its new config before the next director`);
      else if (e.kind === 'cluster-rollback') write(`cluster ${e.cluster}: putting ${e.hosts.join(', ')} back on their previous files (${e.reason})`);
      else for (const line of describeCluster(e.outcome)) write(line);
    },
    done: async () => undefined,
  };
}

/** A listr2 tree on a TTY (stderr): one task per host, its current step below it. */
export function listrProgress(hosts: readonly string[]): Progress {
  const finished = new Map<string, (r: HostResult) => void>();
  const results = new Map<string, Promise<HostResult>>();
  const steps = new Map<string, (s: string) => void>();
  for (const h of hosts) results.set(h, new Promise((resolve) => finished.set(h, resolve)));
  const list = new Listr(
    hosts.map((host) => ({
      title: host,
      rendererOptions: { persistentOutput: true },
      task: async (_ctx: unknown, task: { title: string; output: string }) => {
        steps.set(host, (s) => (task.output = s));
        const r = await results.get(host)!;
        task.title = `${host}: ${shownResult(r).split('\n')[0]}`;
        // Where the time went on the host, kept under the host's line.
        task.output = r.status === 'changed' && r.stepsMs ? Object.entries(r.stepsMs).map(([k, ms]) => `${k} ${ms} ms`).join(' · ') : '';
        if (r.status === 'failed' || r.status === 'unreachable') throw new Error(shownResult(r));
      },
    })),
    { concurrent: true, exitOnError: false, rendererOptions: { collapseErrors: false, logger: new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) }) } },
  );
  const running = list.run().catch(() => undefined);
  return {
    onEvent(e) {
      if (e.kind === 'host-start') steps.get(e.host)?.('connecting');
      else if (e.kind === 'host-step') steps.get(e.host)?.(e.step);
      else if (e.kind === 'host-done') finished.get(e.host)?.(e.result);
    },
    done: async () => {
      await running;
    },
  };
}
