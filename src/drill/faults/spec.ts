import type { Cluster, VrrpInstance } from '../../topology/types.js';
import type { FaultScriptOptions, RestoreInfo, RestoreOptions } from '../remote-scripts.js';
import type { DrillConfig, ProtocolBound } from '../types.js';

/**
 * Everything the drill knows about one fault, in one place: the CLI's names, whom it hits, the
 * shell that injects and takes it back, the protocol's bound and what the measures must see.
 * run-fault, measures, format and fault-names read these fields; none of them names a fault.
 */
export interface FaultSpec {
  /** The canonical name: `--fault`, the JSON record and the report say it. */
  readonly name: string;
  /** Other names `--fault` accepts for it (engine-neutral names of the speaker faults). */
  readonly aliases: readonly string[];
  /** One line for the user: what the fault does to the host. */
  readonly description: string;
  /** The VIP holder, or a realserver that served traffic in the verify before. */
  readonly target: 'master' | 'realserver';
  /**
   * What the VIP must do: `failover` — leave the master for a backup, then behave per preempt
   * after the restore; `drain` — stay where it is while the target's traffic drains to the others.
   */
  readonly expect: 'failover' | 'drain';
  /** failover: the master must give the VIP up before the restore (SIGKILL leaves it behind). */
  readonly releaseBeforeRestore: boolean;
  /**
   * Where the protocol's clock starts for the measured failover: the master's priority-0 advert
   * (RFC 5798 §6.4.2), its last advert before the fault (Master_Down timer), or the fault itself
   * (a track script's failure starts there).
   */
  readonly protocolClock: 'priority-zero' | 'last-advert' | 'fault';
  /** speaker faults: how the VRRP speaker is stopped, as the report names it (`SIGKILL: silent`). */
  readonly speakerSignal?: string;
  /**
   * The host undoes the fault itself after `downSec` (link-down: SSH runs over that link): the
   * drill waits for it, the restore retries until the host answers again.
   */
  readonly selfRestoring: boolean;
  /** The longest the failover may take by the protocol; null when no VIP moves or no bound is known. */
  bound(c: DrillConfig): ProtocolBound | null;
  /** Why this fault cannot run on the cluster's instance, or null (the director count is checked for all). */
  skip(c: Cluster, inst: VrrpInstance): string | null;
  /** Shell run on the target (privileged) to inject the fault; prints `at <ns>` when it happens. */
  inject(o: FaultScriptOptions): string;
  /** Shell that undoes the fault; idempotent. */
  restore(info: RestoreInfo, o: RestoreOptions): string;
}
