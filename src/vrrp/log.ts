/** Structured logs on stderr: one JSON object per line with --log-json, else `time level msg k=v`. */
export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: Level, msg: string, fields?: Record<string, unknown>): void;
}

export function makeLogger(json: boolean, out: NodeJS.WritableStream = process.stderr): Logger {
  return {
    log(level, msg, fields = {}) {
      const ts = new Date().toISOString();
      if (json) out.write(JSON.stringify({ ts, level, msg, ...fields }) + '\n');
      else {
        const kv = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
        out.write(`${ts} ${level} ${msg}${kv.length ? ' ' + kv.join(' ') : ''}\n`);
      }
    },
  };
}
