/**
 * Behaviour differences between two configuration trees, for the parts no typed model reads
 * (keepalived's virtual_server / real_server / checkers / global_defs, every nginx file).
 * Order, comments and whitespace do not count: siblings are matched by what they are, not where
 * they stand. A block is known by its name and arguments (`virtual_server 198.18.0.100 80`,
 * `upstream web`, `location /api`); a directive that appears once in a block is compared by its
 * arguments (`lb_algo wlc → rr`); one that repeats is known by its first argument when that is
 * unique (`server 198.18.1.21:80` in an upstream) and else compared as a set of lines.
 */

export interface ConfNode {
  name: string;
  args: string[];
  block?: ConfNode[];
}

export interface TreeDiffOptions {
  /** Directive name → its default: adding or removing the default is no change (`weight 1`). */
  defaults?: Readonly<Record<string, string>>;
  /** Defaults of `key=value` parameters (nginx upstream `server`: weight=1, max_fails=1…). */
  paramDefaults?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** A directive whose value is a secret: its change is said, never its value. */
  secret?: (name: string) => boolean;
}

const keyOf = (n: ConfNode) => [n.name, ...n.args].join(' ');

export function diffTrees(old: readonly ConfNode[], now: readonly ConfNode[], o: TreeDiffOptions = {}, prefix = ''): string[] {
  const out: string[] = [];
  const blocks = (l: readonly ConfNode[]) => l.filter((n) => n.block !== undefined);
  const leaves = (l: readonly ConfNode[]) => l.filter((n) => n.block === undefined);
  diffBlocks(blocks(old), blocks(now), o, prefix, out);
  diffLeaves(leaves(old), leaves(now), o, prefix, out);
  return out;
}

function diffBlocks(old: ConfNode[], now: ConfNode[], o: TreeDiffOptions, prefix: string, out: string[]): void {
  const group = (l: ConfNode[]) => {
    const m = new Map<string, ConfNode[]>();
    for (const n of l) m.set(keyOf(n), [...(m.get(keyOf(n)) ?? []), n]);
    return m;
  };
  const a = group(old);
  const b = group(now);
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const xs = a.get(key) ?? [];
    const ys = b.get(key) ?? [];
    // Same-named blocks without a distinguishing argument pair up in order (rare: two `url {}`).
    for (let i = 0; i < Math.max(xs.length, ys.length); i++) {
      const x = xs[i];
      const y = ys[i];
      if (x && y) out.push(...diffTrees(x.block!, y.block!, o, `${prefix}${key}: `));
      else out.push(`${prefix}${key} ${x ? 'removed' : 'added'}`);
    }
  }
}

function diffLeaves(old: ConfNode[], now: ConfNode[], o: TreeDiffOptions, prefix: string, out: string[]): void {
  const byName = (l: ConfNode[]) => {
    const m = new Map<string, ConfNode[]>();
    for (const n of l) m.set(n.name, [...(m.get(n.name) ?? []), n]);
    return m;
  };
  const a = byName(old);
  const b = byName(now);
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const xs = a.get(name) ?? [];
    const ys = b.get(name) ?? [];
    const label = `${prefix}${name}`;
    if (o.secret?.(name)) {
      if (JSON.stringify(xs.map((n) => n.args).sort()) !== JSON.stringify(ys.map((n) => n.args).sort())) out.push(`${label} ${xs.length === 0 ? 'added' : ys.length === 0 ? 'removed' : 'changed'}`);
      continue;
    }
    if (xs.length <= 1 && ys.length <= 1) {
      const dflt = o.defaults?.[name];
      const x = xs[0] ? xs[0].args.join(' ') : dflt;
      const y = ys[0] ? ys[0].args.join(' ') : dflt;
      if (x === y) continue;
      if (xs[0] && ys[0] && o.paramDefaults?.[name]) {
        out.push(...diffParams(`${label} ${xs[0].args[0]}`, xs[0].args, ys[0].args, o.paramDefaults[name]!));
        continue;
      }
      if (x === undefined) out.push(`${label} ${y} added`.trimEnd().replace(/ {2,}/g, ' '));
      else if (y === undefined) out.push(`${label} ${x} removed`.replace(/ {2,}/g, ' '));
      else out.push(`${label}: ${x || '(no value)'} → ${y || '(no value)'}`);
      continue;
    }
    const firsts = (l: ConfNode[]) => l.map((n) => n.args[0] ?? '');
    const unique = (l: string[]) => new Set(l).size === l.length;
    if (unique(firsts(xs)) && unique(firsts(ys))) {
      const mx = new Map(xs.map((n) => [n.args[0] ?? '', n]));
      const my = new Map(ys.map((n) => [n.args[0] ?? '', n]));
      for (const k of new Set([...mx.keys(), ...my.keys()])) {
        const x = mx.get(k);
        const y = my.get(k);
        if (x && y) out.push(...diffParams(`${label} ${k}`, x.args, y.args, o.paramDefaults?.[name]));
        else out.push(`${label} ${(x ?? y)!.args.join(' ')} ${x ? 'removed' : 'added'}`);
      }
      continue;
    }
    // A set of lines (order does not matter): say which appear and which go.
    const sx = xs.map((n) => n.args.join(' '));
    const sy = ys.map((n) => n.args.join(' '));
    for (const l of sx) if (!sy.includes(l)) out.push(`${label} ${l} removed`);
    for (const l of sy) if (!sx.includes(l)) out.push(`${label} ${l} added`);
  }
}

/**
 * Arguments after the first, as `key=value` parameters and flags (nginx `server ADDR weight=2
 * backup`), or as words in order when they are not: `weight 1 → 2`, `backup added`.
 */
function diffParams(label: string, xa: string[], ya: string[], defaults?: Readonly<Record<string, string>>): string[] {
  const rest = (l: string[]) => l.slice(1);
  if (!defaults && ![...xa, ...ya].some((w) => w.indexOf('=') > 0)) {
    return rest(xa).join(' ') === rest(ya).join(' ') ? [] : [`${label}: ${rest(xa).join(' ') || '(no value)'} → ${rest(ya).join(' ') || '(no value)'}`];
  }
  const params = (l: string[]) => {
    const m = new Map<string, string>(Object.entries(defaults ?? {}));
    for (const w of l) {
      const eq = w.indexOf('=');
      if (eq > 0) m.set(w.slice(0, eq), w.slice(eq + 1));
      else m.set(w, '');
    }
    return m;
  };
  const x = rest(xa);
  const y = rest(ya);
  if (x.join(' ') === y.join(' ')) return [];
  const px = params(x);
  const py = params(y);
  const out: string[] = [];
  for (const k of new Set([...px.keys(), ...py.keys()])) {
    const a = px.get(k);
    const b = py.get(k);
    if (a === b) continue;
    if (a === undefined) out.push(`${label} ${b === '' ? k : `${k}=${b}`} added`);
    else if (b === undefined) out.push(`${label} ${a === '' ? k : `${k}=${a}`} removed`);
    else out.push(`${label} ${k} ${a} → ${b}`);
  }
  return out;
}
