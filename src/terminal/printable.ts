/**
 * Text that came from a host (a file's content in a diff, a tool's error message, a log line)
 * reaches the admin's terminal. Control sequences in it could move the cursor, erase or
 * overwrite lines, set the window title, hide text (SGR 8) or, with bidirectional overrides,
 * show something other than what is there (CVE-2021-42574 "Trojan Source"). Everything printed
 * for a person passes through here: controls become visible escapes, so a diff shows what the
 * file really holds.
 */

// Our own colours (cli/output.ts and plan/render-text.ts paint with exactly these): kept when asked,
// so text can be cleaned after it was painted. Anything else starting with ESC is shown escaped.
const OWN_SGR = /^\u001b\[(?:0|1|2|3[1-6])m/;

// C0 controls except tab and newline, DEL, C1 controls, and the Unicode bidi controls.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function visible(ch: string): string {
  const code = ch.codePointAt(0)!;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export interface PrintableOptions {
  /** Keep hafleet's own colour codes (default true); false escapes every ESC. */
  keepOwnColour?: boolean;
}

/** `text` with every terminal control shown as `\xHH` / `\uHHHH` (tab and newline stay). */
export function printable(text: string, o: PrintableOptions = {}): string {
  const keep = o.keepOwnColour !== false;
  let out = '';
  let last = 0;
  CONTROL.lastIndex = 0;
  for (let m = CONTROL.exec(text); m; m = CONTROL.exec(text)) {
    const at = m.index;
    if (keep && text[at] === '\u001b') {
      const own = OWN_SGR.exec(text.slice(at, at + 8));
      if (own) {
        CONTROL.lastIndex = at + own[0].length;
        continue;
      }
    }
    out += text.slice(last, at) + visible(m[0]);
    last = at + 1;
  }
  return out + text.slice(last);
}
