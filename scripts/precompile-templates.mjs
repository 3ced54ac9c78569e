// Writes src/render/precompiled-templates.ts: handlebars' code for every template in templates/,
// generated once here instead of at the first render of every command (≈ 100 ms of `plan`,
// measured in issue 17). Run it after changing a template; the unit test
// test/unit/render/precompiled-templates.test.ts fails until the file matches templates/ again.
//
// Committed, not written by `make build`: the unit tests and tsx run src/ without a build, and tsc
// type-checks and emits the file like any other, so dist/src and the bundle carry it as they are.
// A stale file is never wrong, only slower: a template whose bytes do not have the digest an entry
// records is compiled at run time (template-store.ts).
import { writeFileSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';

const root = new URL('..', import.meta.url).pathname;
const { precompiledModule } = await tsImport('../src/render/precompile-source.ts', import.meta.url);
const target = `${root}src/render/precompiled-templates.ts`;
writeFileSync(target, precompiledModule(`${root}templates`));
console.log(`wrote ${target}`);
