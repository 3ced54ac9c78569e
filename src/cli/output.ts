import { formatDiagnostic, type Diagnostic } from '../diagnostics/index.js';
import { printable } from '../terminal/index.js';

/** Colour only on a TTY with NO_COLOR unset (https://no-color.org) and not in --json mode. */
export function useColor(stream: NodeJS.WriteStream = process.stderr): boolean {
  return Boolean(stream.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
}

const codes = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, bold: 1, dim: 2 } as const;
export type Style = keyof typeof codes;

export function paint(text: string, style: Style, on: boolean): string {
  return on ? `\u001b[${codes[style]}m${text}\u001b[0m` : text;
}

/** Diagnostics always go to stderr; stdout is data. */
export function printDiagnostics(ds: readonly Diagnostic[], stream: NodeJS.WriteStream = process.stderr): void {
  const color = useColor(stream);
  for (const d of ds) {
    // A diagnostic may quote a host's words or an inventory value: shown, never obeyed.
    const line = printable(formatDiagnostic(d), { keepOwnColour: false });
    stream.write(paint(line, d.severity === 'error' ? 'red' : 'yellow', color) + '\n');
  }
}

/** Human text for stdout or stderr (reports, recaps): hafleet's colours stay, a host's controls are shown. */
export function writeHuman(stream: NodeJS.WriteStream, text: string): void {
  stream.write(printable(text));
}

/** One JSON document on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Progress and human notes: stderr. */
export function info(line: string): void {
  process.stderr.write(printable(line) + '\n');
}
