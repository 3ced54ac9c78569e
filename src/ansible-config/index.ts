/**
 * Ansible's configuration as hafleet uses it: ansible.cfg found where Ansible looks for it and the
 * ANSIBLE_* variables, each setting with where it came from. Pure: the environment, the current
 * directory and the file's text are passed in by the CLI.
 */
export { findConfig, type ConfigSearch, type FoundConfig } from './find.js';
export { parseIni, type IniFile, type IniProblem } from './ini.js';
export { resolveSettings, describeOrigin, DEFS, type Setting, type SettingName, type Settings, type SettingValue, type Origin, type SettingProblem } from './settings.js';
export { ansibleConfig, type AnsibleConfig } from './config.js';
