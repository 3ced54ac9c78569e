import { changedKeys, fitRows, frameLines, statusRows, type Row } from './render-text.js';
import type { StatusSnapshot, StatusSource } from './types.js';

/**
 * `status --watch`: a frame per snapshot, redrawn in place like top on a capable terminal
 * (alternate screen, cursor home, erase to end), or printed one after the other with a blank
 * line between when the terminal is dumb or not a terminal. Quits on q or Ctrl-C (raw keys
 * when stdin is a terminal) or when `signal` aborts; the terminal is restored in every case.
 */

/** What the watch needs of stdout. */
export interface WatchOutput {
  write(s: string): unknown;
  columns?: number;
  /** The terminal's height: an in-place frame is fitted to it (see fitRows). */
  rows?: number;
}

/** What the watch needs of stdin (a TTY gets raw mode, so q and Ctrl-C arrive as keys). */
export interface WatchInput {
  isTTY?: boolean;
  setRawMode?(on: boolean): unknown;
  on(event: 'data', fn: (chunk: Buffer | string) => void): unknown;
  removeListener(event: 'data', fn: (chunk: Buffer | string) => void): unknown;
  resume(): unknown;
  pause(): unknown;
}

export interface WatchViewOptions {
  source: StatusSource;
  out: WatchOutput;
  input?: WatchInput;
  /** Redraw in place with escape sequences (a TTY whose TERM is not dumb). */
  inPlace: boolean;
  /** Colour (and bold for changes): inPlace and NO_COLOR unset. */
  color: boolean;
  /** One JSON line per snapshot instead of frames. */
  json?: boolean;
  intervalSec: number;
  signal?: AbortSignal;
  /** Called with each snapshot shown (the CLI keeps the last one for its exit code). */
  onSnapshot?: (s: StatusSnapshot) => void;
}

const ENTER = '\u001b[?1049h\u001b[?25l';
// Leave the alternate screen first: a terminal that restores its saved modes there would hide the cursor again.
const LEAVE = '\u001b[?1049l\u001b[?25h';
const HOME = '\u001b[H';
const EOL = '\u001b[K';
const EOS = '\u001b[J';

/** One frame as written: in place (home, each line erased to its end, the rest erased) or plain. */
export function frameText(lines: readonly string[], inPlace: boolean, first: boolean): string {
  if (!inPlace) return (first ? '' : '\n') + lines.join('\n') + '\n';
  return HOME + lines.map((l) => l + EOL).join('\n') + '\n' + EOS;
}

/** Keys that end the watch: q, Q, Ctrl-C, Ctrl-D (raw mode: Ctrl-C is a key, not SIGINT). */
export function isQuitKey(chunk: string): boolean {
  return /[qQ\u0003\u0004]/.test(chunk);
}

export async function runWatch(o: WatchViewOptions): Promise<void> {
  const quit = new AbortController();
  const onKey = (chunk: Buffer | string) => {
    if (isQuitKey(chunk.toString())) quit.abort();
  };
  const onOuter = () => quit.abort();
  o.signal?.addEventListener('abort', onOuter, { once: true });
  const raw = Boolean(o.input?.isTTY && o.input.setRawMode);
  if (o.input) {
    if (raw) o.input.setRawMode!(true);
    o.input.on('data', onKey);
    o.input.resume();
  }
  if (o.inPlace && !o.json) o.out.write(ENTER + HOME + 'hafleet status: reading the hosts…' + EOL + '\n' + EOS);
  let before: Row[] | undefined;
  let first = true;
  try {
    while (!quit.signal.aborted) {
      let snap: StatusSnapshot;
      try {
        snap = await o.source.next(quit.signal);
      } catch (e) {
        if (quit.signal.aborted) break;
        throw e;
      }
      o.onSnapshot?.(snap);
      if (o.json) {
        o.out.write(JSON.stringify(snap) + '\n');
        continue;
      }
      const all = statusRows(snap, { note: `every ${o.intervalSec} s${o.input ? ' · q quits' : ''}` });
      // In place, the frame must fit the screen (one line is left for the newline after the last).
      const rows = o.inPlace && o.out.rows ? fitRows(all, Math.max(2, o.out.rows - 1)) : all;
      const changed = changedKeys(before, rows);
      before = rows;
      const lines = frameLines(rows, changed, { color: o.color, ...(o.inPlace && o.out.columns ? { columns: o.out.columns } : {}) });
      o.out.write(frameText(lines, o.inPlace, first));
      first = false;
    }
  } finally {
    o.signal?.removeEventListener('abort', onOuter);
    if (o.input) {
      o.input.removeListener('data', onKey);
      if (raw) o.input.setRawMode!(false);
      o.input.pause();
    }
    if (o.inPlace && !o.json) o.out.write(LEAVE);
  }
}
