import { join } from 'node:path';
import { error, hasErrors, warning, type Diagnostic, type Result } from '../diagnostics/index.js';
import { isSecretKey, type Inventory } from '../inventory/index.js';
import { FILE_DEST_DIRS, secretsOf, userFilesOf, type Cluster, type Topology } from '../topology/index.js';
import type { DesiredFile, Handler, HostDesired } from './types.js';
import { anyFlags, holds } from './conditions.js';
import { parseRoleDefinition, type RoleDefinition, type RoleFileSpec } from './role-definition.js';
import { TemplateStore, builtinTemplatesDir, col1 } from './template-store.js';
import { runTemplate } from './handlebars-env.js';
import { confinePath } from './confine-path.js';
import { shownValue } from './escape.js';
import { hostDirProblem } from './write-tree.js';
import { buildHostView, clustersOf, type ClusterView, type HostView } from './view.js';
import { nginxDiagnostics } from './view-nginx.js';
import { readUserFile, shebangValidate } from './user-file.js';

export interface RenderOptions {
  /** Bundled templates (default: the package's templates/). */
  templatesDir?: string;
  /** User overrides (default: `<inventory dir>/templates`); null turns overrides off. */
  overrideDir?: string | null;
  /** Render only these hosts (already resolved from a --limit pattern). */
  limit?: readonly string[];
  /** Extra literal secrets to list on files that contain them (e.g. topology's secretsOf). */
  secrets?: readonly string[];
}

/** Roles in the order their files are listed on a host. */
const ROLE_ORDER = ['director', 'realserver'];

/** State shared by the hosts of one render: templates, parsed role.yaml files, secrets. */
export class RenderSession {
  readonly store: TemplateStore;
  private roles = new Map<string, Result<RoleDefinition>>();
  readonly secrets: string[];

  constructor(readonly inv: Inventory, readonly topo: Topology, opts: RenderOptions = {}) {
    const override = opts.overrideDir === undefined ? join(inv.dir, 'templates') : opts.overrideDir;
    this.store = new TemplateStore(opts.templatesDir ?? builtinTemplatesDir(), override ?? undefined);
    const s = new Set<string>([...(opts.secrets ?? []), ...secretsOf(topo)]);
    // Templates can reach host.vars: a become password printed by an override is a secret too.
    // Top level only; nested secrets of hafleet_clusters are the topology's (auth_pass).
    for (const h of inv.hosts.values()) {
      for (const [k, v] of Object.entries(h.vars)) if (typeof v === 'string' && isSecretKey(k)) s.add(v);
    }
    // Longest first, so a secret that contains another is listed whole.
    this.secrets = [...s].filter((x) => x.length > 0).sort((a, b) => b.length - a.length);
  }

  role(name: string): Result<RoleDefinition> {
    let r = this.roles.get(name);
    if (!r) {
      const loc = this.store.locate(name, 'role.yaml');
      const text = loc ? this.store.read(loc.path) : null;
      r = loc && text !== null
        ? parseRoleDefinition(name, loc.path, text)
        : { ok: false, diagnostics: [error('role-missing', `no role definition for role "${name}"`, { file: join(this.store.dirs.at(-1)!, name, 'role.yaml') }, 'create templates/<role>/role.yaml')] };
      this.roles.set(name, r);
    }
    return r;
  }
}

/** Everything one host should have: files of each role it plays, and the handlers they notify. */
export function renderHostIn(session: RenderSession, host: string): Result<HostDesired> {
  const ds: Diagnostic[] = [];
  const roles = [...(session.topo.roles.get(host) ?? [])].sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b));
  const files: DesiredFile[] = [];
  const handlers = new Map<string, Handler>();
  const managed = new Set<string>();
  // The name becomes a directory of `render --out` and a word in configs: one that cannot be a
  // directory name is refused here, before anything is written.
  const badName = hostDirProblem(host);
  if (badName) ds.push(error('render-host-name', `host ${shownValue(host)}: ${badName}`, { host }, 'rename the host in the inventory (set ansible_host for its address)'));
  for (const role of roles) {
    const def = session.role(role);
    ds.push(...def.diagnostics);
    if (!def.ok) continue;
    const view = buildHostView(session.topo, session.inv.hosts.get(host), host, role);
    if (role === 'director') {
      for (const c of clustersOf(session.topo, host, role)) {
        if (c.mode === 'nginx') ds.push(...nginxDiagnostics(c, host));
        ds.push(...startStateDiagnostics(c, host));
      }
    }
    for (const spec of def.value.files) {
      const made = spec.source === 'hafleet_files'
        ? (iterations(spec, view).length ? userFiles(session, role, spec, host, ds, def.value.managedPaths) : [])
        : iterations(spec, view).map((cluster) => renderFile(session, role, spec, view, cluster, host, ds, def.value.managedPaths));
      for (const f of made) {
        if (!f) continue;
        const twin = files.find((x) => x.path === f.path);
        // Two clusters may share one file (the default error page): fine when it is the same file.
        if (twin && twin.content === f.content && twin.mode === f.mode) continue;
        if (twin) {
          ds.push(error('render-duplicate-path', `${f.path} is rendered twice`, { ...spec.where, host }, 'give each file its own dest (use {{cluster.name}} with each: cluster)'));
          continue;
        }
        files.push(f);
        for (const n of f.notify) handlers.set(n, def.value.handlers.find((h) => h.name === n)!);
      }
    }
    for (const p of def.value.managedPaths) managed.add(p);
  }
  if (hasErrors(ds)) return { ok: false, diagnostics: ds };
  const ordered = [...handlers.values()].sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
  return { ok: true, value: { host, roles, files, handlers: ordered, managedPaths: [...managed] }, diagnostics: ds };
}

/** null = one file for the host; otherwise one per matching cluster. */
function iterations(spec: RoleFileSpec, view: HostView): (ClusterView | null)[] {
  if (spec.each === 'cluster') return view.clusters.filter((c) => holds(spec.when, c.flags));
  return holds(spec.when, anyFlags(view.clusters.map((c) => c.flags))) ? [null] : [];
}

function renderFile(session: RenderSession, role: string, spec: RoleFileSpec, view: HostView, cluster: ClusterView | null, host: string, ds: Diagnostic[], managedPaths: readonly string[]): DesiredFile | null {
  const context = { ...view, ...spec.vars, cluster };
  const destT = spec.dest.includes('{{') ? session.store.compileInline(spec.dest) : null;
  const dest = !destT ? { ok: true as const, text: spec.dest } : destT.ok ? runTemplate(destT.fn, context) : destT;
  if (!dest.ok) {
    ds.push(error('render-dest', `${role}/${spec.template}: dest ${spec.dest}: ${dest.fault.message}`, { ...spec.where, host }, 'dest may use {{fsname cluster.name}} only with each: cluster'));
    return null;
  }
  const loc = session.store.locate(role, spec.template);
  if (!loc) {
    ds.push(error('template-missing', `template ${role}/${spec.template} not found (looked in ${session.store.dirs.join(', ')})`, { ...spec.where, host }, `create ${role}/${spec.template} under the inventory's templates/ or fix role.yaml`));
    return null;
  }
  const compiled = session.store.compileFile(loc.path);
  if (!compiled.ok) {
    ds.push({ ...compiled.diagnostic, where: { ...compiled.diagnostic.where, host } });
    return null;
  }
  const out = runTemplate(compiled.fn, context);
  if (!out.ok) {
    const at = { file: loc.path, line: out.fault.line, col: col1(out.fault.col), host };
    ds.push(out.fault.kind === 'value'
      ? error('template-value', out.fault.message, at, 'the value cannot be written safely there: fix it in the inventory')
      : out.fault.kind === 'unescaped'
        ? error('template-unescaped', out.fault.message, at, 'write each string with the helper of the place it lands in (templates/README.md, "Escaping")')
        : error('template-undefined', out.fault.message, { file: loc.path, line: out.fault.line, col: col1(out.fault.col), host }, 'the variables a template sees are listed in templates/README.md; use null checks with {{#if}}'));
    return null;
  }
  const content = out.text;
  // A validate command may name a variable (the agent's `{{hafleet_agent_command}} -t -f {path}`).
  const validateT = spec.validate?.includes('{{') ? session.store.compileInline(spec.validate) : null;
  const validate = !validateT ? { ok: true as const, text: spec.validate } : validateT.ok ? runTemplate(validateT.fn, context) : validateT;
  if (!validate.ok) {
    ds.push(error('render-validate', `validate ${spec.validate}: ${validate.fault.message}`, { ...spec.where, host }, 'the variables a template sees are listed in templates/README.md'));
    return null;
  }
  // Every destination, bundled or overridden, static or rendered from an inventory value.
  const confined = confinePath(dest.text, managedPaths);
  if (!confined.ok) {
    ds.push(error('render-dest-confined', `${role}/${spec.template}: destination ${shownValue(dest.text)} is refused: ${confined.reason}`, { ...spec.where, host },
      'a destination must be an absolute, normalised path under one of the role\'s managed_paths (templates/<role>/role.yaml)'));
    return null;
  }
  return {
    path: dest.text,
    content,
    mode: spec.mode,
    owner: spec.owner,
    group: spec.group,
    role,
    ...(validate.text ? { validate: validate.text } : {}),
    notify: [...spec.notify],
    secrets: session.secrets.filter((s) => content.includes(s)),
  };
}

/**
 * The host's hafleet_files as this role deploys them: each file's bytes, root-owned, with the
 * entry's mode. A host in two roles gets each once (render's twin check: same path, same bytes).
 */
function userFiles(session: RenderSession, role: string, spec: RoleFileSpec, host: string, ds: Diagnostic[], managedPaths: readonly string[]): (DesiredFile | null)[] {
  return userFilesOf(session.inv, host).map((u) => {
    const read = readUserFile(session.inv.dir, u.src);
    if (!read.ok) {
      ds.push(error('render-user-file', `hafleet_files: ${shownValue(u.src)} ${read.reason}`, u.srcWhere, 'hafleet_files src is a text file of at most 1 MiB inside the inventory directory (import keeps them under files/<host>/)'));
      return null;
    }
    // The key walk allows only these; an overridden role.yaml's managed_paths cannot widen them.
    const confined = FILE_DEST_DIRS.some((d) => u.dest.startsWith(d)) ? confinePath(u.dest, managedPaths) : { ok: false as const, reason: `not under ${FILE_DEST_DIRS.join(', ')}` };
    if (!confined.ok) {
      ds.push(error('render-dest-confined', `hafleet_files: destination ${shownValue(u.dest)} is refused: ${confined.reason}`, u.where,
        `a hafleet_files dest is an absolute, normalised path under ${FILE_DEST_DIRS.join(', ')} (and the ${role} role's managed_paths)`));
      return null;
    }
    const content = read.content;
    const validate = spec.validate === 'shebang' ? shebangValidate(content) : spec.validate;
    return {
      path: u.dest, content, mode: u.mode, owner: 'root', group: 'root', role,
      ...(validate ? { validate } : {}),
      notify: [...spec.notify],
      // Known secrets only (auth_pass, secret-named variables): a password typed into a script is not known.
      secrets: session.secrets.filter((s) => content.includes(s)),
    };
  });
}

/** keepalived clears nopreempt/preempt_delay on a MASTER-state instance, so render starts it BACKUP: say so when the user asked for MASTER. */
function startStateDiagnostics(c: Cluster, host: string): Diagnostic[] {
  const ds: Diagnostic[] = [];
  for (const inst of c.instances) {
    const m = inst.members.find((x) => x.host === host);
    if (m?.stateExplicit && m.initialState === 'MASTER' && (!inst.preempt || inst.preemptDelaySec > 0)) {
      ds.push(warning('vrrp-state-backup', `${inst.name}: starts BACKUP, not the MASTER vrrp_state asks for`, { ...inst.where, host },
        'keepalived ignores nopreempt and preempt_delay on an instance that starts MASTER; drop vrrp_state or the preempt settings'));
    }
  }
  return ds;
}
