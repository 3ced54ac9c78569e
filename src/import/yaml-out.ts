/**
 * The values import writes, each with where it came from, and their YAML text. A small emitter
 * of its own: `yaml` belongs to src/inventory (architecture rule), and what import writes is a
 * narrow shape (mappings, lists, strings, numbers, booleans) where a comment per value is the
 * point. Strings are always double-quoted JSON strings (valid YAML 1.2), so no host-provided
 * text can be read back as anything but that string; block text (a passthrough) is a literal
 * block scalar after the same checks the inventory applies to it.
 */

export type Scalar = string | number | boolean;
export type YNode =
  | { kind: 'scalar'; value: Scalar; from?: string }
  | { kind: 'block'; text: string; from?: string }
  | { kind: 'map'; entries: [string, YNode][]; from?: string }
  | { kind: 'list'; items: YNode[]; from?: string };

export const sc = (value: Scalar, from?: string): YNode => ({ kind: 'scalar', value, ...(from ? { from } : {}) });
export const ymap = (entries: [string, YNode | undefined][], from?: string): YNode => ({
  kind: 'map', entries: entries.filter((e): e is [string, YNode] => e[1] !== undefined), ...(from ? { from } : {}),
});
export const ylist = (items: YNode[], from?: string): YNode => ({ kind: 'list', items, ...(from ? { from } : {}) });

// A comment must stay one line and say nothing a terminal would act on.
const commentText = (s: string) => s.replace(/[^\x20-\x7e]/g, '?');

function scalarText(v: Scalar): string {
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);
  return String(v);
}

function keyText(k: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k) ? k : JSON.stringify(k);
}

const tail = (n: YNode) => (n.from ? `  # ${commentText(n.from)}` : '');

/** YAML text of a top-level mapping, with one comment per value that has a source. */
export function toYaml(root: YNode, header: string[] = []): string {
  const out: string[] = header.map((h) => `# ${commentText(h)}`);
  emit(root, 0, out);
  return out.join('\n') + '\n';
}

function emit(n: YNode, indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  if (n.kind === 'map') {
    for (const [k, v] of n.entries) emitEntry(`${pad}${keyText(k)}:`, v, indent, out);
  } else if (n.kind === 'list') {
    for (const item of n.items) emitEntry(`${pad}-`, item, indent, out, true);
  }
}

function emitEntry(lead: string, v: YNode, indent: number, out: string[], inList = false): void {
  const inner = indent + 2;
  switch (v.kind) {
    case 'scalar': out.push(`${lead} ${scalarText(v.value)}${tail(v)}`); return;
    case 'block': {
      out.push(`${lead} |2-${tail(v)}`);
      for (const l of v.text.split('\n')) out.push(l === '' ? '' : `${' '.repeat(inner)}${l}`);
      return;
    }
    case 'map':
      if (v.entries.length === 0) { out.push(`${lead} {}${tail(v)}`); return; }
      if (inList) {
        // First key on the dash line: `- name: web`.
        const [[k0, v0], ...rest] = v.entries;
        const sub: string[] = [];
        emitEntry(`${' '.repeat(inner)}${keyText(k0!)}:`, v0!, inner, sub);
        sub[0] = `${lead} ${sub[0]!.trimStart()}`;
        out.push(...sub);
        for (const [k, x] of rest) emitEntry(`${' '.repeat(inner)}${keyText(k)}:`, x, inner, out);
        return;
      }
      out.push(`${lead}${tail(v)}`);
      emit(v, inner, out);
      return;
    case 'list':
      if (v.items.length === 0) { out.push(`${lead} []${tail(v)}`); return; }
      out.push(`${lead}${tail(v)}`);
      emit(v, inner, out);
      return;
  }
}
