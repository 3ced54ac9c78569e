/**
 * `hafleet lab`: a fleet of real hosts on this machine. Each host is a network namespace on the
 * lab's bridge with a private mount namespace, a real sshd and (realservers) a backend nginx;
 * an admin namespace without a default route drives it. Used by users, `make demo` and every
 * integration test.
 */
export { labUp, validateUpOptions, labAlive, reapOrphanLabs, type LabUpOptions } from './up.js';
export { labDown, type LabDownReport } from './down.js';
export { labStatus, type LabStatus, type LabHostStatus } from './status.js';
export { labCommand, execInherit } from './exec.js';
export { preflight, findBinary, LAB_TOOLS } from './preflight.js';
export { readState, listLabs, labRoot, labsRootIn, DEFAULT_LABS_ROOT, type LabState, type LabHostState, type LabEngine } from './state.js';
export { DEFAULT_LAB_NAME, LAB_NAME_RE, netnsName, bridgeName, vethName, subnetCidr, vipAddress, labVrid, planHosts, type HostRole, type LabHostPlan } from './names.js';
/** The lab's IPv6 address plan (`lab up --ipv6`): 2001:2:0:<index hex>::/64, hosts mirroring their IPv4 octet. */
export { LAB_IPV6_PREFIX, subnet6Cidr, address6 } from './ipv6.js';
export { run, type RunResult } from './run.js';
export { pidsByNetns, rssKb, pssKb } from './procs.js';
/** The directories each host has of its own (bind mounts of folders under the lab root). */
export { HOST_MOUNTS } from './host-files.js';
/** The lab's non-root user on every host (never on the machine), its sudo and per-host user files. */
export { LAB_USER, LAB_LOGIN_USERS, HOST_FILE_MOUNTS, requireSudoPassword, hashPassword, type LabLoginUser } from './host-users.js';
/** Big labs (issue 17): how many /24s a lab of N realservers spans, and the most it can hold. */
export { labSpan, prefixLength, MAX_REALSERVERS, MAX_DIRECTORS } from './names.js';
export { allocateIndex } from './subnet.js';
export { labNeighbourEntries, neighbourLimits } from './neighbours.js';
