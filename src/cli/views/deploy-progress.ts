import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import { describeCluster, describeResult, type DeployEvent, type HostResult } from '../../apply/index.js';
import { printable } from '../../terminal/index.js';

/**
 * How deploy's progress is drawn: apply emits `DeployEvent`s (its onEvent callback), a presenter
 * here turns them into lines or a listr2 tree on stderr.
 */

/** A result's words come from the host (a tool's output): shown, never obeyed by the terminal. */
const shownResult = (r: HostResult): string => printable(describeResult(r), { keepOwnColour: false });

export interface Progress {
  onEvent(e: DeployEvent): void;
  /** Resolves when the presenter has drawn the last state. */
  done(): Promise<void>;
}

/** e.g. "cluster web: first election hastened: priority-0 advert from lb2 (web_2)". */
export function electionHastenedLine(e: Extract<DeployEvent, { kind: 'election-hastened' }>): string {
  const adverts = e.instances.length === 1 ? 'advert' : 'adverts';
  return `cluster ${e.cluster}: first election hastened: priority-0 ${adverts} from ${e.senders.join(', ')} (${e.instances.join(', ')})`;
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
      else if (e.kind === 'election-hastened') write(electionHastenedLine(e));
      else if (e.kind === 'cluster-rollback') write(`cluster ${e.cluster}: putting ${e.hosts.join(', ')} back on their previous files (${e.reason})`);
      else for (const line of describeCluster(e.outcome)) write(line);
    },
    done: async () => undefined,
  };
}

/** A listr2 tree on a TTY (`stream`, stderr): one task per host, its current step below it. */
export function listrProgress(hosts: readonly string[], stream: NodeJS.WriteStream = process.stderr): Progress {
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
    { concurrent: true, exitOnError: false, rendererOptions: { collapseErrors: false, logger: new ListrLogger({ processOutput: new ProcessOutput(stream, stream) }) } },
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
