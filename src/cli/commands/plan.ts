import type { Command } from 'commander';

/** `hafleet plan`: not registered yet (its issue is in progress). */
export function register(_program: Command): void {}
