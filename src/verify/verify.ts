import { evaluate, verifyReport } from './evaluate.js';
import { probe, type ProbeOptions, type VerifyTarget } from './probe.js';
import type { Observations, VerifyReport } from './types.js';

/** Probe, then judge. The observations come back too: drill keeps them beside its timeline. */
export async function verify(target: VerifyTarget, o: ProbeOptions): Promise<{ observations: Observations; report: VerifyReport }> {
  const observations = await probe(target, o);
  return { observations, report: verifyReport(evaluate(target.topology, observations)) };
}
