/**
 * `nginx -T` output: after the test verdict (on stderr, but often captured together) every file
 * nginx read is printed whole, each after a `# configuration file PATH:` line, main file first,
 * includes in the order nginx read them. Import reads a host's nginx this way (as nginx sees it,
 * includes and all); each section parses at its own file's line numbers.
 */
import { parseNginx, type NginxTree } from './tree.js';

export interface NginxDumpFile {
  file: string;
  text: string;
  /** Line of `text`'s first line in the file (always 1: sections are whole files). */
  firstLine: number;
}

const HEADER = /^# configuration file (.+):$/;

/** The files of an `nginx -T` dump, in order; lines before the first header (nginx's verdict) are skipped. */
export function splitNginxDump(dump: string): NginxDumpFile[] {
  const out: NginxDumpFile[] = [];
  let cur: { file: string; lines: string[] } | undefined;
  for (const line of dump.split('\n')) {
    const m = HEADER.exec(line);
    if (m) {
      if (cur) out.push({ file: cur.file, text: cur.lines.join('\n'), firstLine: 1 });
      cur = { file: m[1]!, lines: [] };
    } else if (cur) cur.lines.push(line);
  }
  // nginx writes each file's text and one newline after it, so a section is the file as written
  // (plus a final newline where the file had none).
  if (cur) out.push({ file: cur.file, text: cur.lines.join('\n'), firstLine: 1 });
  return out;
}

/** Every file of an `nginx -T` dump, parsed. */
export function parseNginxDump(dump: string): { file: string; tree: NginxTree }[] {
  return splitNginxDump(dump).map((f) => ({ file: f.file, tree: parseNginx(f.text, f.file, f.firstLine) }));
}
