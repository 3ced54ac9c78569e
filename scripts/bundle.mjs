// The CLI as a few bundled files (dist/bundle/), which is what `bin` runs: Node 20 has no module
// compile cache, and loading the ~230 compiled modules of dist/src plus the ~200 files of ssh2,
// yaml, handlebars, diff and listr2 one by one took ≈ 0.25 s of every command (measured: `plan
// --help` 0.43 → see bench/results/issue17-side-by-side-s5.md). dist/src stays: the tests, the
// lab's agent command and the benchmarks import it.
//
// Splitting keeps each command in its own chunk, loaded only when that command runs (the VRRP
// agent on a director must not parse the deploy, drill and lab code). Native addons stay outside:
// koffi and cpu-features are left to node_modules, and ssh2's optional crypto binding is loaded
// from its package by name (a relative .node path would point into dist/bundle/ and silently fall
// back to ssh2's slower JavaScript ciphers).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

// Two levels below the package root, as dist/src/cli is three: templates/ is found by climbing
// (src/render/template-store.ts) and the lab's checkout root is two levels up (src/lab/inventory-files.ts).
// An other directory may be named (the bundle test builds its own copy).
const out = process.argv[2] ?? 'dist/bundle';
rmSync(out, { recursive: true, force: true });

const sshcryptoByName = {
  name: 'ssh2-native-binding',
  setup(b) {
    b.onResolve({ filter: /sshcrypto\.node$/ }, () => ({ path: 'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node', external: true }));
  },
};

await build({
  // The compiled output, not src/: what the bundle runs is exactly what tsc checked and emitted.
  entryPoints: { hafleet: 'dist/src/cli/main.js' },
  outdir: out,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['koffi', 'cpu-features'],
  plugins: [sshcryptoByName],
  // The CommonJS packages (ssh2, yaml, handlebars) call require() and ssh2's poly1305 reads
  // __dirname: give every ESM chunk the three.
  banner: {
    js: [
      "import { createRequire as __hafleetRequire } from 'node:module';",
      "import { fileURLToPath as __hafleetPath } from 'node:url';",
      'const require = __hafleetRequire(import.meta.url);',
      'const __filename = __hafleetPath(import.meta.url);',
      "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
    ].join(' '),
  },
  logLevel: 'warning',
  legalComments: 'none',
  // Less text for V8 to scan at every start: `plan --help` 138 → 132 ms (medians of 12 alternating
  // runs in a lab, three rounds alike; minifySyntax alone changed nothing; a lab plan, ±50 ms of
  // noise, showed no difference). Identifiers stay: a --debug stack trace keeps its function names
  // (as file:line:column into long lines).
  minifyWhitespace: true,
  minifySyntax: true,
});
