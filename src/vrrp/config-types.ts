/** Moved to src/keepalived-conf (issue 19 part 3); this re-export stays until the agent's files import the new face. */
export * from '../keepalived-conf/config-types.js';
