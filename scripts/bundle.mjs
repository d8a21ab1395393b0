// Bundles the CLI into dist/bundle as CommonJS files, because kubectl pays for start-up on every
// call and Node starts CommonJS faster than ES modules (no ESM loader, no module jobs):
// - cli.cjs: the entry: what a daemon cache hit needs (argument parsing, the socket client, output)
//   and the CLI's dispatch, Node built-ins only.
// - one file per module the code loads with import() (the AWS SDK path, DNS, undici, the daemon,
//   subcommands), each loaded only when a call needs it. Small shared modules are copied into
//   each file; nothing relies on sharing one copy (errors are recognised by name, not instanceof).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

const dirs = ['src', 'plugin', 'daemon'];
const sources = dirs.flatMap((d) =>
  readdirSync(d)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(d, f)),
);
// Every module some source imports lazily becomes its own bundle, named after it.
const lazy = new Map();
for (const file of sources) {
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(/await import\('(\.{1,2}\/[^']+)\.js'\)/g)) {
    const name = basename(spec);
    const target = sources.find((s) => basename(s, '.ts') === name);
    if (!target) throw new Error(`bundle: ${file} imports ${spec}, which is not a source file`);
    lazy.set(name, target);
  }
}

const result = await build({
  write: false,
  entryPoints: { cli: 'plugin/cli.ts', ...Object.fromEntries(lazy) },
  outdir: 'dist/bundle',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  mainFields: ['module', 'main'],
  outExtension: { '.js': '.cjs' },
  // import() of a CommonJS file or a built-in starts Node's ES module loader (~10 ms more per call);
  // everything here is CommonJS or built in, so esbuild emits require(), which the awaiting code
  // receives just the same.
  supported: { 'dynamic-import': false },
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [
    {
      // @smithy/core's serde (which signature-v4 imports for hex and UTF-8 helpers) loads node:crypto
      // at start-up, only to have getRandomValues at hand for UUIDs a presigned URL never needs.
      // Loading crypto costs 5-8 ms on the path without a daemon, so it loads on first use instead.
      // If serde imports anything else from crypto, esbuild stops with "No matching export".
      name: 'lazy-crypto-for-smithy-serde',
      setup(b) {
        b.onResolve({ filter: /^(node:)?crypto$/ }, (args) =>
          /[/\\]@smithy[/\\]core[/\\]dist-es[/\\]submodules[/\\]serde[/\\]index\.js$/.test(args.importer)
            ? { path: 'crypto', namespace: 'lazy-crypto' }
            : undefined,
        );
        b.onLoad({ filter: /.*/, namespace: 'lazy-crypto' }, () => ({
          contents:
            "export const getRandomValues = (array) => require('node:crypto').getRandomValues(array);",
          loader: 'js',
        }));
      },
    },
    {
      name: 'lazy-modules',
      setup(b) {
        b.onResolve({ filter: /\.js$/ }, (args) => {
          const name = basename(args.path, '.js');
          if (args.kind !== 'dynamic-import' || !lazy.has(name)) return undefined;
          return { path: `./${name}.cjs`, external: true };
        });
      },
    },
  ],
});

// Emptied first: a bundle a previous build made and this one does not would otherwise be installed too.
rmSync('dist/bundle', { recursive: true, force: true });
mkdirSync('dist/bundle', { recursive: true });
for (const file of result.outputFiles) writeFileSync(file.path, file.text);
