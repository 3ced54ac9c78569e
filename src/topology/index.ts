/**
 * The HA model: clusters, VRRP instances, VIPs, director/realserver roles and derived priorities,
 * built from an Inventory. Pure; `lint` works on its output.
 */
export type * from './types.js';
export { buildTopology, buildTopologyPartial, secretsOf, BUILD_CODES, unique as uniqueDiagnostics, type PartialTopology } from './build.js';
export { clusterSources, type ClusterSource, type ClusterVariant } from './sources.js';
export { peerDisagreements, clusterDifferences } from './differences.js';
export { valueRangeFindings, vridRangeFindings, priorityRangeFindings, advertIntFindings } from './ranges.js';
export { instanceView, PEER_FIELDS, type InstanceView } from './views.js';
export { varEvents, walkValue, describeValue, expectedOf, type VarEvent } from './walk.js';
export { varDiagnostic } from './var-diagnostic.js';
export { clusterSpec, hostVarSpecs, topLevelSpecs, OWN_PREFIXES, MODES, LB_ALGOS, ENGINES, type KeySpec } from './keys.js';
export { toJsonSchema } from './json-schema.js';
export { DEFAULTS, derivedPriority } from './defaults.js';
export { didYouMean, editDistance } from './did-you-mean.js';
export { whereAt, keyString, type KeyPath } from './where.js';
export { whereUnder, hostVarAt, rawAt, priorityAt } from './where-under.js';
export { parseAddress, addressText, inSubnet } from './vips.js';
export { groupMembers } from './members-of.js';
export { FORMATS, floorReason, isSafeName, MAX_STRING, FLOOR_PATTERN, type StringFormat } from './formats.js';
export { passthroughProblem, MAX_PASSTHROUGH, type PassthroughDialect } from './passthrough.js';
export { userFilesOf, type UserFile } from './user-files.js';
export { FILE_DEST_DIRS } from './formats.js';
export { FILE_MODE_PATTERN } from './keys.js';
export { hostBool } from './read.js';
