import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Inventory } from '../../../src/inventory/index.js';
import type { Topology } from '../../../src/topology/index.js';
import { formatDiagnostic } from '../../../src/diagnostics/index.js';
import { parseRoleDefinition, renderFleet } from '../../../src/render/index.js';
import { compileTemplate, createEnv, runTemplate, templateFromSpec } from '../../../src/render/handlebars-env.js';
import { bundledTemplates, precompiledModule } from '../../../src/render/precompile-source.js';
import { PRECOMPILED } from '../../../src/render/precompiled-templates.js';
import { TemplateStore, builtinTemplatesDir } from '../../../src/render/template-store.js';
import { templateDigest } from '../../../src/render/template-digest.js';
import { buildHostView } from '../../../src/render/view.js';
import { EXAMPLES, ROOT, loadExample } from './example.js';
import { natCluster, noInventory, topology } from './hand-topology.js';

const TEMPLATES = join(ROOT, 'templates');
const GENERATED = join(ROOT, 'src/render/precompiled-templates.ts');

test('precompiled-templates.ts is what templates/ generates today', () => {
  assert.equal(readFileSync(GENERATED, 'utf8'), precompiledModule(TEMPLATES),
    'a template changed since the file was generated: run `node scripts/precompile-templates.mjs` and commit src/render/precompiled-templates.ts');
});

test('every bundled template, and every role.yaml string with {{, has a spec this handlebars runtime accepts', () => {
  const env = createEnv();
  const all = bundledTemplates(TEMPLATES);
  assert.ok(all.filter((t) => t.name.endsWith('.hbs')).length >= 10, all.map((t) => t.name).join(', '));
  assert.ok(all.some((t) => t.name.includes('role.yaml dest')) && all.some((t) => t.name.includes('role.yaml validate')));
  for (const t of all) {
    const spec = PRECOMPILED.get(t.digest);
    assert.ok(spec, `${t.name} has no precompiled spec`);
    assert.ok(templateFromSpec(env, spec), `${t.name}: the runtime refuses its spec`);
  }
});

/** Real inventories: the examples, and the hand-built topologies that cover lvs-nat and the agent. */
function fleets(): { name: string; inv: Inventory | null; topo: Topology }[] {
  const out: { name: string; inv: Inventory | null; topo: Topology }[] = EXAMPLES.map((name) => ({ name, ...loadExample(join(ROOT, 'inventories', name)) }));
  for (const engine of ['keepalived', 'agent'] as const) {
    out.push({ name: `lvs-nat ${engine}`, inv: noInventory, topo: topology(natCluster(engine)) });
    out.push({ name: `lvs-nat ${engine} vrrp3 nopreempt`, inv: noInventory, topo: topology(natCluster(engine, { version: 3, preempt: false })) });
  }
  return out;
}

/** Each bundled template with its source, and the contexts render-host.ts gives it on every host of every fleet. */
function templatesWithContexts(): Map<string, { source: string; contexts: Record<string, unknown>[] }> {
  const byName = new Map<string, { source: string; contexts: Record<string, unknown>[] }>();
  const add = (name: string, source: string, ctx: Record<string, unknown>) => {
    const t = byName.get(name) ?? { source, contexts: [] };
    t.contexts.push(ctx);
    byName.set(name, t);
  };
  for (const { inv, topo } of fleets()) {
    for (const [host, roles] of topo.roles) {
      for (const role of roles) {
        const file = join(TEMPLATES, role, 'role.yaml');
        const def = parseRoleDefinition(role, file, readFileSync(file, 'utf8'));
        assert.ok(def.ok);
        const view = buildHostView(topo, inv?.hosts.get(host), host, role);
        for (const spec of def.value.files) {
          if (spec.source === 'hafleet_files') continue;
          // As render-host.ts: one context per cluster of an `each: cluster` file, else one with cluster null.
          for (const cluster of spec.each === 'cluster' ? view.clusters : [null]) {
            const ctx = { ...view, ...spec.vars, cluster };
            add(`${role}/${spec.template}`, readFileSync(join(TEMPLATES, role, spec.template), 'utf8'), ctx);
            if (spec.dest.includes('{{')) add(`${role}/role.yaml dest ${spec.dest}`, spec.dest, ctx);
            if (spec.validate?.includes('{{')) add(`${role}/role.yaml validate ${spec.validate}`, spec.validate, ctx);
          }
        }
      }
    }
  }
  return byName;
}

/** The context without one key (at the top, or inside cluster): what a misspelt variable meets. */
function without(ctx: Record<string, unknown>): Record<string, unknown>[] {
  const out = Object.keys(ctx).map((k) => Object.fromEntries(Object.entries(ctx).filter(([key]) => key !== k)));
  const c = ctx['cluster'];
  if (c && typeof c === 'object') {
    for (const k of Object.keys(c)) out.push({ ...ctx, cluster: Object.fromEntries(Object.entries(c).filter(([key]) => key !== k)) });
  }
  return out;
}

test('every bundled template renders byte-identical precompiled and compiled at run time, and faults at the same line and column', () => {
  const env = createEnv();
  const all = templatesWithContexts();
  const sources = new Set(bundledTemplates(TEMPLATES).map((t) => t.source));
  assert.deepEqual(new Set([...all.values()].map((t) => t.source)), sources, 'every bundled template is rendered on some host');
  let faults = 0;
  for (const [name, { source, contexts }] of all) {
    const pre = templateFromSpec(env, PRECOMPILED.get(templateDigest(source))!);
    const compiled = compileTemplate(env, source);
    assert.ok(pre && compiled.ok, name);
    let rendered = 0;
    for (const ctx of contexts) {
      const a = runTemplate(pre, ctx);
      assert.deepEqual(a, runTemplate(compiled.fn, ctx), `${name}: both ways render the same`);
      if (a.ok) rendered++;
      for (const broken of without(ctx)) {
        const f = runTemplate(pre, broken);
        assert.deepEqual(f, runTemplate(compiled.fn, broken), `${name}: both ways fail the same`);
        if (!f.ok && f.fault.line !== undefined) faults++;
      }
    }
    assert.ok(rendered > 0, `${name} rendered on some real context`);
  }
  assert.ok(faults > 100, `only ${faults} faults with a line compared`);
});

test('a strict-mode undefined variable reports the same line and column precompiled and compiled', () => {
  const env = createEnv();
  const source = readFileSync(join(TEMPLATES, 'director/notify.sh.hbs'), 'utf8');
  const pre = templateFromSpec(env, PRECOMPILED.get(templateDigest(source))!)!;
  const compiled = compileTemplate(env, source);
  assert.ok(compiled.ok);
  const ctx = { host: { name: 'lb1' } }; // notify_log_file missing
  const a = runTemplate(pre, ctx);
  assert.deepEqual(a, runTemplate(compiled.fn, ctx));
  assert.equal(a.ok, false);
  assert.ok(!a.ok && a.fault.line === source.split('\n').findIndex((l) => l.includes('notify_log_file')) + 1 && a.fault.col !== undefined, JSON.stringify(a));
  assert.match(!a.ok ? a.fault.message : '', /undefined variable "notify_log_file"/);
});

test('the store runs bundled templates precompiled; an override or an edited bundled file is compiled at run time', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hf-precompiled-'));
  try {
    const builtin = join(tmp, 'builtin');
    const override = join(tmp, 'override');
    cpSync(TEMPLATES, builtin, { recursive: true });
    cpSync(TEMPLATES, override, { recursive: true });
    const notify = (dir: string) => join(dir, 'director/notify.sh.hbs');
    const edited = readFileSync(notify(builtin), 'utf8').replace('exit 0\n', 'exit 0 # edited\n');
    assert.notEqual(edited, readFileSync(notify(builtin), 'utf8'));

    const bundled = new TemplateStore(builtinTemplatesDir());
    const c = bundled.compileFile(bundled.locate('director', 'keepalived.conf.hbs')!.path);
    assert.ok(c.ok && c.precompiled, 'the bundled file runs precompiled');
    const inline = bundled.compileInline('/etc/nginx/conf.d/hafleet-{{fsname cluster.name}}.conf');
    assert.ok(inline.ok && inline.precompiled, 'the bundled role.yaml dest runs precompiled');
    const other = bundled.compileInline('/etc/x-{{fsname cluster.name}}.conf');
    assert.ok(other.ok && !other.precompiled, 'any other inline text is compiled');

    const overridden = new TemplateStore(builtin, override);
    const loc = overridden.locate('director', 'keepalived.conf.hbs')!;
    assert.ok(loc.overridden);
    const o = overridden.compileFile(loc.path);
    assert.ok(o.ok && !o.precompiled, 'an override is compiled at run time, even with the same bytes');

    writeFileSync(notify(builtin), edited);
    const editedStore = new TemplateStore(builtin);
    const e = editedStore.compileFile(notify(builtin));
    assert.ok(e.ok && !e.precompiled, 'an edited bundled file is compiled at run time');
    const out = runTemplate(e.fn, { notify_log_file: '/var/log/n', host: { name: 'lb1' } });
    assert.ok(out.ok && out.text.endsWith('exit 0 # edited\n'), 'and renders the edit');
    const same = new TemplateStore(builtin).compileFile(join(builtin, 'director/check-nginx.sh.hbs'));
    assert.ok(same.ok && same.precompiled, 'the unchanged files of that copy still run precompiled');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('a fleet renders byte-identical with every bundled template precompiled and with all of them overridden', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'hf-precompiled-'));
  try {
    cpSync(TEMPLATES, tmp, { recursive: true });
    for (const { name, inv, topo } of fleets()) {
      if (!inv) continue;
      const a = renderFleet(inv, topo);
      const b = renderFleet(inv, topo, { overrideDir: tmp });
      assert.ok(a.ok, `${name}: ${a.diagnostics.map(formatDiagnostic).join('\n')}`);
      assert.deepEqual(b, a, name);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
