/**
 * Server-sent events framing (HTML Living Standard, "Server-sent events"): one event is
 * `event:` + `data:` lines and a blank line. A data line cannot hold a line break, so each line
 * of the payload gets its own `data:` field (the browser joins them with "\n"); a bare CR would
 * end a line too, so CR LF and CR are normalised first.
 */
export function sseFrame(event: string, data: string, id?: string): string {
  const oneLine = (v: string) => v.replace(/[\r\n]/g, ' ');
  const lines = data.replace(/\r\n?/g, '\n').split('\n').map((l) => `data: ${l}`);
  return `${id !== undefined ? `id: ${oneLine(id)}\n` : ''}event: ${oneLine(event)}\n${lines.join('\n')}\n\n`;
}

/** A comment line: keeps idle connections (and proxies between) from timing out; ignored by the browser. */
export const SSE_KEEPALIVE = ': keep-alive\n\n';

/** Sent first: how long the browser waits before reconnecting after the stream breaks. */
export const sseRetry = (ms: number) => `retry: ${Math.round(ms)}\n\n`;
