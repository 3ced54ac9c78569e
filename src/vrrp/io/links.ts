/** The network interfaces of this namespace, by name (down ones too: /sys/class/net lists all). */
import fs from 'node:fs';

export function presentInterfaces(): Set<string> {
  try {
    return new Set(fs.readdirSync('/sys/class/net'));
  } catch {
    return new Set();
  }
}
