/** Exit codes from DESIGN.md: Ansible's and sysexits' habits. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  /** plan --detailed-exitcode: there are changes. */
  changes: 2,
  /** some hosts unreachable and nothing else failed. */
  unreachable: 4,
  usage: 64,
  badInventory: 65,
  internal: 70,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
