/** A plan is a value: text and --json are renderings of it. */

export type Change =
  | {
      kind: 'create' | 'update'; path: string; diff: string; mode: string; owner: string; group: string; notify: string[]; validate?: string; sha256: string; metaOnly?: boolean;
      /**
       * On an update of a keepalived.conf or an nginx file whose content was read: what the change
       * does, from parsing both versions (`web_51 on lb1: priority 150 → 140`); empty when only
       * formatting, comments or order differ. Absent for other files, creates (the whole file is
       * new) and files too big to read. Never holds a secret's value.
       */
      behaviour?: string[];
      /**
       * Beside `behaviour` on a keepalived.conf: hafleet's own hooks the change adds or drops, which
       * do nothing until used (switchover/maintenance track_files starting at 0, the notify logger);
       * absent when there are none.
       */
      hafleetHooks?: string[];
    }
  | { kind: 'delete'; path: string; diff: string; notify: string[] }
  | { kind: 'unchanged'; path: string; reason: string };

export interface ValidationOutcome {
  path: string;
  ok: boolean;
  /** The validator's own message on failure. */
  message: string;
}

export type HostPlan =
  | {
      host: string;
      status: 'planned';
      changes: Change[];
      handlers: string[];
      validations: ValidationOutcome[];
      /** False when the host's deploy record does not list the desired files and checksums (apply rewrites it). */
      recordCurrent?: boolean;
      /**
       * Present when the host was only checked, not fully read: its roles render no file here,
       * so only its deploy record was read (for files an earlier deploy placed, to remove them).
       */
      checkedOnly?: { read: 'deploy-record'; why: string };
      /**
       * Present when the host was not contacted at all: its roles render no file here and the
       * directors' realserver ledger says hafleet keeps nothing on it (`why` says which).
       */
      notContacted?: { why: string };
    }
  | { host: string; status: 'unreachable' | 'failed'; message: string; hint?: string };

export interface Plan {
  id: string;
  createdAt: string;
  hosts: HostPlan[];
  summary: {
    filesToChange: number;
    hostsChanged: number;
    handlers: Record<string, number>;
    unreachable: number;
    failed: number;
    /** Files whose on-host validation failed: deploy would fail on their hosts. */
    validationFailed?: number;
    /** Hosts of which only the deploy record was read (nothing managed on them). */
    checkedOnly?: number;
    /** Hosts not contacted (the directors' realserver ledger vouches for them). */
    notContacted?: number;
  };
}
