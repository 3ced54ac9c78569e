import type { HostRef, Outcome, Transport } from '../transport/index.js';
import { factsReportProblem, parseFactsReport } from './parse-report.js';
import { buildFactsScript } from './script.js';
import type { FactsRequest, HostFacts } from './types.js';

export interface GatherOptions {
  timeoutMs?: number;
}

/**
 * Everything the request asks for, in one remote command: the script goes on stdin to `sh -s`,
 * privileged (through become) so root-only configs can be read.
 */
export async function gatherFacts(transport: Transport, host: HostRef, request: FactsRequest, signal?: AbortSignal, o: GatherOptions = {}): Promise<Outcome<HostFacts>> {
  const r = await transport.exec(host, 'sh -s', {
    stdin: buildFactsScript(request),
    privileged: true,
    ...(signal ? { signal } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
  });
  if (!r.ok) return r;
  const problem = factsReportProblem(r.value.stdout);
  if (problem) {
    const stderr = r.value.stderr.trim().split('\n').slice(-3).join(' | ');
    return {
      ok: false,
      failure: {
        kind: 'remote-error',
        host: host.name,
        message: `host ${host.name}: could not read facts: ${problem} (exit ${r.value.code}${stderr ? `: ${stderr}` : ''})`,
        hint: 'the facts script needs a POSIX sh with stat, sha256sum and base64 on the host',
      },
    };
  }
  const facts = parseFactsReport(host.name, r.value.stdout);
  // A host may look like sysv (Debian ships /etc/init.d scripts) while its daemons are run
  // directly, as on lab hosts: the inventory knows better than detection.
  if (request.serviceManager) facts.serviceManager = request.serviceManager;
  return { ok: true, value: facts };
}
