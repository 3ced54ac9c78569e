import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import { error, warning, type Diagnostic } from '../diagnostics/index.js';
import { flatLayer, type InventoryBuilder, type VarLayer } from './builder.js';
import { closestName } from './closest.js';
import { expandHostPattern } from './host-range.js';
import { deref, duplicateKeys, keyText, locate, toVars, whereOfNode, type YamlFile } from './yaml-file.js';

const GROUP_KEYS = ['hosts', 'children', 'vars'];

/**
 * Reads Ansible's YAML inventory structure (its `yaml` inventory plugin): top-level keys are
 * groups; a group is a mapping with `hosts`, `children` and `vars`; a host maps to its vars.
 * Where Ansible only warns and skips (an unknown key, a list of hosts), hafleet reports an
 * error: a silently skipped line in a deploy inventory is a host or a setting that goes missing.
 */
export function readYamlInventory(y: YamlFile, b: InventoryBuilder, out: Diagnostic[]): void {
  const root = y.doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) {
    out.push(warning('empty-inventory', 'the inventory file holds no groups or hosts', { file: y.file }));
    return;
  }
  if (!isMap(root)) {
    out.push(error('inventory-structure', `the top level of a YAML inventory must be a mapping of group names, found ${kindOf(root)}`, whereOfNode(y, root as Node),
      'start with `all:` and list hosts under it: `all: { hosts: { web1: { ansible_host: 198.18.0.11 } } }`'));
    return;
  }
  const seen = new Set<string>();
  for (const pair of root.items) {
    const name = keyText(pair.key);
    if (seen.has(name)) out.push(error('duplicate-key', `group '${name}' appears twice at the top level; YAML keeps only the last`, whereOfNode(y, pair.key as Node), 'merge the two entries'));
    seen.add(name);
    if (GROUP_KEYS.includes(name)) {
      out.push(error('inventory-structure', `top-level key '${name}' would be read as a group named '${name}'`, whereOfNode(y, pair.key as Node),
        `put it under a group, e.g. \`all:\\n  ${name}: …\``));
      continue;
    }
    if (looksLikeVariable(pair)) {
      out.push(error('inventory-structure', `top-level key '${name}' holds ${kindOf(pair.value)}, but top-level keys are groups`, whereOfNode(y, pair.key as Node),
        isSeq(pair.value)
          ? `if these are hosts, write \`${name}: { hosts: { host1: , host2: } }\`; if a variable, put it under \`all: { vars: … }\``
          : 'this looks like a variable: put it under `all: { vars: … }` or in group_vars/all.yml'));
      continue;
    }
    readGroup(y, b, name, pair, out);
  }
}

function readGroup(y: YamlFile, b: InventoryBuilder, name: string, pair: Pair, out: Diagnostic[]): void {
  const group = b.group(name, whereOfNode(y, pair.key as Node));
  const node = deref(y, pair.value);
  if (node === null || node === undefined || (isScalar(node) && node.value === null)) return;
  if (!isMap(node)) {
    out.push(error('inventory-structure', `group '${name}' must be a mapping with hosts, children and/or vars, found ${kindOf(node)}`, whereOfNode(y, node as Node),
      isSeq(node) ? 'hosts are a mapping, not a list: `hosts: { web1: , web2: }`' : 'if this is a variable, put it under `vars:` or in group_vars/'));
    return;
  }
  for (const item of node.items) {
    const key = keyText(item.key);
    const value = deref(y, item.value);
    const at = whereOfNode(y, item.key as Node);
    if (value === null || value === undefined || (isScalar(value) && value.value === null)) continue;
    if (key === 'vars') {
      if (!isMap(value)) {
        out.push(error('inventory-structure', `vars of group '${name}' must be a mapping, found ${kindOf(value)}`, whereOfNode(y, value as Node), 'write `vars: { name: value }`'));
        continue;
      }
      duplicateKeys(y, value, `${name}.vars`, out);
      group.layers.push(yamlLayer(y, value));
    } else if (key === 'children' || key === 'hosts') {
      const entries = entriesOf(y, value, key, name, out);
      const seenHere = new Set<string>();
      for (const entry of entries) {
        const entryName = keyText(entry.key);
        const entryAt = whereOfNode(y, entry.key as Node);
        if (seenHere.has(entryName)) {
          out.push(key === 'hosts'
            ? error('duplicate-host', `host '${entryName}' is listed twice under ${name}.hosts; YAML keeps only the last entry`, entryAt, 'merge the two entries into one')
            : error('duplicate-key', `group '${entryName}' is listed twice under ${name}.children; YAML keeps only the last entry`, entryAt, 'merge the two entries into one'));
          continue;
        }
        seenHere.add(entryName);
        if (key === 'children') {
          readGroup(y, b, entryName, entry, out);
          b.addChild(name, entryName);
        } else readHost(y, b, name, entry, out);
      }
    } else {
      const near = closestName(key, GROUP_KEYS);
      out.push(error('inventory-structure', `unexpected key '${key}' in group '${name}': a group holds only hosts, children and vars`, at,
        near ? `did you mean '${near}'?` : 'put variables under `vars:`, groups under `children:`'));
    }
  }
}

/** `hosts:`/`children:` as a mapping; a bare string is one entry, as Ansible allows. */
function entriesOf(y: YamlFile, value: unknown, key: string, group: string, out: Diagnostic[]): Pair[] {
  if (isMap(value)) return value.items;
  if (isScalar(value) && typeof value.value === 'string') return [{ key: value, value: null } as unknown as Pair];
  out.push(error('inventory-structure', `${key} of group '${group}' must be a mapping, found ${kindOf(value)}`, whereOfNode(y, value as Node),
    key === 'hosts' ? 'write `hosts: { web1: , web2: }` (each host is a key; its vars its value)' : 'write `children: { web: , db: }`'));
  return [];
}

function readHost(y: YamlFile, b: InventoryBuilder, group: string, entry: Pair, out: Diagnostic[]): void {
  const pattern = keyText(entry.key);
  const at = whereOfNode(y, entry.key as Node);
  const expanded = expandHostPattern(pattern);
  if ('error' in expanded) {
    out.push(error('host-range', expanded.error, at, 'write ranges as [01:10], [a:f] or [1:9:2]'));
    return;
  }
  let layer: VarLayer | undefined;
  const value = deref(y, entry.value);
  if (isMap(value)) {
    duplicateKeys(y, value, pattern, out);
    layer = yamlLayer(y, value);
  } else if (value !== null && value !== undefined && !(isScalar(value) && value.value === null)) {
    out.push(error('inventory-structure', `vars of host '${pattern}' must be a mapping, found ${kindOf(value)}`, whereOfNode(y, value as Node), 'write `web1: { ansible_host: 198.18.0.11 }`'));
  }
  const portLayer = expanded.port !== undefined ? flatLayer({ ansible_port: expanded.port }, {}, at) : undefined;
  for (const name of expanded.hosts) {
    const host = b.host(name, at);
    b.addHost(group, name);
    if (portLayer) host.layers.push(portLayer);
    if (layer) host.layers.push(layer);
  }
}

function yamlLayer(y: YamlFile, node: YAMLMap): VarLayer {
  return { vars: toVars(y, node), locate: (path) => locate(y, node, path) };
}

/** A top-level key whose value is a scalar or list cannot be a group: likely a stray variable. */
function looksLikeVariable(pair: Pair): boolean {
  const v = pair.value;
  return isSeq(v) || (isScalar(v) && v.value !== null);
}

function kindOf(v: unknown): string {
  if (isMap(v)) return 'a mapping';
  if (isSeq(v)) return 'a list';
  if (isScalar(v)) return v.value === null ? 'nothing' : `the ${typeof v.value} ${JSON.stringify(v.value)}`;
  return 'something else';
}
