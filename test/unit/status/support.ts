import type { HostFacts } from '../../../src/facts/index.js';
import type { HostRead } from '../../../src/status/index.js';
import type { HostProbe, SpeakerInstance } from '../../../src/verify/index.js';
export { topology2x2 } from '../verify/fixtures.js';

/** A director's answer to one round: `holds` the VIP or not, its speaker's account of web_51. */
export function director(host: string, o: { holds: boolean; state: SpeakerInstance['state']; prio: number; base?: number; scriptOk?: boolean; notify?: string[]; log?: string[]; running?: boolean; facts?: Partial<HostFacts> }): HostRead {
  const running = o.running ?? true;
  const probe: HostProbe = {
    addresses: [
      { dev: 'eth0', address: host === 'lb1' ? '198.18.0.11' : '198.18.0.12', prefix: 24, family: 'inet' },
      ...(o.holds ? [{ dev: 'eth0', address: '198.18.0.100', prefix: 24, family: 'inet' as const }] : []),
    ],
    macs: {},
    running: { keepalived: running, nginx: true, 'hafleet-agent': false },
    speaker: running ? {
      source: 'keepalived',
      instances: [{ name: 'web_51', vrid: 51, state: o.state, effectivePriority: o.prio, ...(o.base !== undefined ? { basePriority: o.base } : {}), authFailures: 0 }],
      scripts: [{ name: 'chk_nginx', ok: o.scriptOk ?? true }],
    } : null,
    authLogLines: [],
    transitionLogLines: o.log ?? [],
    sysctls: {},
  };
  const facts: HostFacts = { host, serviceManager: 'direct', processes: {}, files: {}, addresses: [], sysctls: {}, tools: {}, lastDeploy: null, ...o.facts };
  return { host, ok: true, probe, facts, notifyLines: o.notify ?? [], maintenance: null };
}
