/**
 * Render: Inventory × Topology → DesiredState. Role definitions are data
 * (`templates/<role>/role.yaml` + handlebars `*.hbs`), overridable per inventory in
 * `<inventory>/templates/<role>/`. Strict: an undefined variable is an error naming file and line.
 */
export type { DesiredFile, Handler, HostDesired, DesiredState } from './types.js';
export { renderFleet, renderHost } from './render-fleet.js';
export type { RenderOptions } from './render-host.js';
export { writeDesiredTree } from './write-tree.js';
export { builtinTemplatesDir } from './template-store.js';
export type { RoleDefinition, RoleFileSpec } from './role-definition.js';
export { parseRoleDefinition } from './role-definition.js';
export { CONDITION_FLAGS } from './conditions.js';
export { writeDesiredTreeChecked, treeTarget } from './write-tree.js';
export { confinePath, type Confined } from './confine-path.js';
export { kq, kw, nq, nw, nwords, sh, shwords, shlist, fspath, fsname, pathProblem, EscapeError } from './escape.js';
export { CONTEXT_HELPERS } from './template-guard.js';
export { nginxListenPort } from './view-nginx.js';
export { withMaintenance, maintenanceOf } from './view.js';
export { readUserFile, USER_FILE_MAX_BYTES, type UserFileRead } from './user-file.js';
export { shownValue } from './escape.js';
