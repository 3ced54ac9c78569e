import type { Command } from 'commander';

/** `hafleet deploy`: not registered yet (its issue is in progress). */
export function register(_program: Command): void {}
