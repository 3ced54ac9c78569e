/**
 * The text of one keepalived.conf block exactly as written, from its keyword's line to its
 * closing brace: what a passthrough keeps when the model cannot say it. Braces inside quotes and
 * comments do not count, as in keepalived's own reader.
 */
export function blockText(fileText: string, startLine: number): string | undefined {
  const lines = fileText.split(/\r?\n/);
  let depth = 0;
  let opened = false;
  for (let i = startLine - 1; i < lines.length; i++) {
    const l = lines[i]!;
    let quoted = false;
    for (const c of l) {
      if (c === '"') quoted = !quoted;
      else if (quoted) continue;
      else if (c === '#' || c === '!') break;
      else if (c === '{') { depth++; opened = true; }
      else if (c === '}') depth--;
    }
    if (opened && depth <= 0) return lines.slice(startLine - 1, i + 1).join('\n');
    // A statement without a block (a one-line keyword) is its line.
    if (!opened && i === startLine - 1 && !/\{/.test(l) && !/^\s*\{/.test(lines[i + 1] ?? '')) return l;
  }
  return undefined;
}
