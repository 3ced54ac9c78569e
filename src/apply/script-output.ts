import type { ValidationOutcome } from '../plan/index.js';
import { MARK } from './shell.js';

/** What a remote script reported, read from its `@@hafleet` lines. */
export interface ScriptReport {
  validations: ValidationOutcome[];
  /** `@@hafleet <event> <rest>` lines other than validations, in order. */
  events: { event: string; rest: string }[];
  /** Lines that are not ours (a tool's own output), kept for messages. */
  other: string[];
}

function decode(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8').trim();
}

export function parseScriptOutput(stdout: string): ScriptReport {
  const report: ScriptReport = { validations: [], events: [], other: [] };
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(MARK + ' ')) {
      if (line.trim()) report.other.push(line);
      continue;
    }
    const body = line.slice(MARK.length + 1);
    const sp = body.indexOf(' ');
    const event = sp < 0 ? body : body.slice(0, sp);
    const rest = sp < 0 ? '' : body.slice(sp + 1);
    if (event === 'valid') report.validations.push({ path: rest, ok: true, message: '' });
    else if (event === 'invalid') {
      const at = rest.lastIndexOf(' ');
      report.validations.push({ path: rest.slice(0, at), ok: false, message: decode(rest.slice(at + 1)) });
    } else report.events.push({ event, rest: event === 'fail' || event === 'rollback-fail' ? decodeTail(rest) : rest });
  }
  return report;
}

/** `fail <step> <base64>`: the step stays readable, the tool's message is decoded. */
function decodeTail(rest: string): string {
  const at = rest.indexOf(' ');
  return at < 0 ? rest : `${rest.slice(0, at)} ${decode(rest.slice(at + 1))}`;
}
