import { createHash } from 'node:crypto';

/**
 * sha256 (hex) of a template's bytes (a string counts as its UTF-8): what ties a precompiled spec
 * to the exact text it was generated from (precompiled-templates.ts).
 */
export function templateDigest(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
