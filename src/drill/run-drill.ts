import type { Cluster, VrrpInstance } from '../topology/types.js';
import { verify, type Observations, type ProbeOptions, type VerifyReport, type VerifyTarget } from '../verify/index.js';
import type { ServiceManager } from './agent-scripts.js';
import { faultSpec } from './faults/index.js';
import { runFault } from './run-fault.js';
import type { DrillOutcome, FaultKind } from './types.js';

export interface DrillOptions extends ProbeOptions {
  /** Cluster to drill; the first with two directors when absent. */
  cluster?: string;
  /** Only this vrrp_instance (default: every instance of the cluster, each in turn). */
  instance?: string;
  /** Only the instance carrying this VIP. */
  vip?: string;
  faults: FaultKind[];
  /** Progress lines (stderr in the CLI). */
  log: (line: string) => void;
  /** How long to wait for verify to pass again between faults and at the end. */
  settleMs?: number;
  /** The inventory's `service_manager` per host, when it forces one: restores run handlers as apply does. */
  serviceManager?: (host: string) => ServiceManager | undefined;
}

export type DrillRun =
  | { kind: 'refused'; reason: string; verify?: VerifyReport }
  | {
      kind: 'ran';
      ok: boolean;
      cluster: string;
      outcomes: DrillOutcome[];
      skipped: { fault: FaultKind; instance: string; reason: string }[];
      verifyBefore: VerifyReport;
      verifyAfter: VerifyReport;
      /** Set when the run stopped early (fleet did not recover, Ctrl-C). */
      stoppedEarly?: string;
    };

/** The cluster to drill: the named one, or the first with an instance of two directors; else why not. */
export function pickCluster(target: VerifyTarget, name?: string): Cluster | string {
  const cs = target.topology.clusters;
  if (name) return cs.find((c) => c.name === name) ?? `no cluster named ${name} (clusters: ${cs.map((c) => c.name).join(', ')})`;
  return cs.find((c) => c.instances.some((i) => i.members.length >= 2)) ?? 'no cluster has an instance with two directors: nothing can fail over';
}

/** The instances to drill: --instance, --vip, else every instance of the cluster; or why none. */
export function pickInstances(c: Cluster, o: { instance?: string; vip?: string }): VrrpInstance[] | string {
  if (o.instance) return c.instances.filter((i) => i.name === o.instance).length ? c.instances.filter((i) => i.name === o.instance) : `cluster ${c.name} has no instance ${o.instance} (it has ${c.instances.map((i) => i.name).join(', ')})`;
  if (o.vip) {
    const i = c.instances.find((x) => x.vips.some((v) => v.address === o.vip));
    return i ? [i] : `no instance of cluster ${c.name} carries VIP ${o.vip}`;
  }
  return c.instances;
}

/** Why a fault cannot run on this instance (the cluster's first by default), or null when it can. */
export function skipReason(c: Cluster, fault: FaultKind, inst: VrrpInstance = c.instances[0]!): string | null {
  const spec = faultSpec(fault);
  if (inst.members.length < 2 && spec.target === 'master') return `${inst.name} has one director`;
  return spec.skip(c, inst);
}

async function verifyUntil(target: VerifyTarget, o: DrillOptions, ms: number): Promise<{ report: VerifyReport; observations: Observations }> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await verify(target, { ...o, signal: AbortSignal.timeout(60_000) });
    if (v.report.ok || Date.now() >= deadline) return v;
    await new Promise((res) => setTimeout(res, 2000));
  }
}

function holderOf(report: VerifyReport, c: Cluster, inst: VrrpInstance): string | null {
  return report.findings.find((f) => f.kind === 'vip-ok' && f.cluster === c.name && f.instance === inst.name && f.vip === inst.vips[0]?.address)?.host ?? null;
}

/**
 * Verify (refuse unless it passes), then each fault in turn on each instance (a dual-master
 * cluster's every instance; --instance / --vip one),
 * waiting for verify to pass again between faults, and verify at the end. Restores run inside
 * runFault whatever happens; Ctrl-C (o.signal) stops after the fault under way is restored.
 */
export async function runDrill(target: VerifyTarget, o: DrillOptions): Promise<DrillRun> {
  const picked = pickCluster(target, o.cluster);
  if (typeof picked === 'string') return { kind: 'refused', reason: picked };
  const cluster = picked;
  const instances = pickInstances(cluster, o);
  if (typeof instances === 'string') return { kind: 'refused', reason: instances };
  o.log(`verify before the drill`);
  const first = await verify(target, o);
  if (!first.report.ok) return { kind: 'refused', reason: 'verify does not pass: the drill only starts on a healthy fleet', verify: first.report };
  const outcomes: DrillOutcome[] = [];
  const skipped: { fault: FaultKind; instance: string; reason: string }[] = [];
  let current = first;
  let stoppedEarly: string | undefined;
  run: for (const instance of instances) {
    for (const fault of o.faults) {
      const why = skipReason(cluster, fault, instance);
      if (why) {
        skipped.push({ fault, instance: instance.name, reason: why });
        o.log(`skip ${fault} on ${instance.name}: ${why}`);
        continue;
      }
      if (o.signal?.aborted) {
        stoppedEarly = 'interrupted';
        break run;
      }
      if (outcomes.length) {
        current = await verifyUntil(target, o, o.settleMs ?? 60_000);
        if (!current.report.ok) {
          stoppedEarly = `verify did not pass again after ${outcomes[outcomes.length - 1]!.record.fault}`;
          break run;
        }
      }
      const master = holderOf(current.report, cluster, instance);
      if (!master) {
        stoppedEarly = `no single holder of ${instance.vips[0]?.address}`;
        break run;
      }
      o.log(`fault ${fault} on ${instance.name} (master ${master})`);
      try {
        outcomes.push(await runFault({ transport: o.transport, refs: target.hosts, cluster, instance, master, observations: current.observations, ...(target.desired ? { desired: target.desired } : {}), ...(o.serviceManager ? { serviceManager: o.serviceManager } : {}), ...(o.signal ? { signal: o.signal } : {}), log: o.log }, fault));
      } catch (e) {
        if (!o.signal?.aborted) throw e;
        stoppedEarly = 'interrupted (the fault under way was restored)';
        break run;
      }
    }
  }
  o.log('verify after the drill');
  const after = await verifyUntil(target, o, o.settleMs ?? 60_000);
  const ok = !stoppedEarly && after.report.ok && outcomes.every((x) => x.ok);
  return { kind: 'ran', ok, cluster: cluster.name, outcomes, skipped, verifyBefore: first.report, verifyAfter: after.report, ...(stoppedEarly ? { stoppedEarly } : {}) };
}
