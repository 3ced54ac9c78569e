import type { AgentRestoreOptions } from '../agent-scripts.js';
import type { RestoreInfo, RestoreOptions } from '../remote-scripts.js';

/**
 * What the agent's restore needs, shared by the two speaker faults: the role's handler, the
 * service manager (the inventory's wins over what the fault script saw, as in apply), the
 * fallback command line, and the VIPs to drop when the agent was killed (it could not).
 */
export function agentRestoreOptions(info: RestoreInfo, o: RestoreOptions, dropStaleVips: boolean): AgentRestoreOptions {
  const serviceManager = o.serviceManager ?? info.serviceManager;
  return {
    ...(o.agentHandler ? { handler: o.agentHandler } : {}), ...(serviceManager ? { serviceManager } : {}),
    ...(info.cmd ? { cmd: info.cmd } : {}), ...(info.out ? { out: info.out } : {}),
    ...(dropStaleVips && o.staleVips ? { staleVips: o.staleVips } : {}),
  };
}
