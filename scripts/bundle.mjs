// Bundles the CLI into dist/bundle as CommonJS files, because kubectl pays for start-up on every
// call and Node starts CommonJS faster than ES modules (no ESM loader, no module jobs):
// - cli.cjs: the entry: what a daemon cache hit needs (argument parsing, the socket client, output)
//   and the CLI's dispatch, Node built-ins only.
// - credentialChild.cjs: the daemon's credential child, an entry of its own (no CLI inside).
// - one file per source module the code loads with import() (the AWS SDK path, DNS, undici, the
//   daemon, subcommands), each loaded only when a call needs it, and named after its source path
//   (src/aws/describeCluster.ts -> src.aws.describeCluster.cjs), so two modules with one name in two
//   folders stay two bundles. Each import() is a bundle boundary: one the bundler cannot resolve to a
//   source file (a package, a computed path, a missing file) fails the build instead of being inlined
//   or left to run time silently (test/scripts/bundle.test.ts).
//   Small shared modules are copied into each file; nothing relies on sharing one copy (errors are
//   recognised by name, not instanceof).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { writeThirdPartyLicenses } from './thirdPartyLicenses.mjs';

const root = process.cwd();
const ENTRIES = { cli: 'plugin/cli.ts', credentialChild: 'daemon/runCredentialChild.ts' };

/** The bundle name of a lazily imported source file: its path with dots for slashes. */
const bundleName = (absPath) => relative(root, absPath).replace(/\.ts$/, '').replace(/[/\\]/g, '.');

/** The import() calls in a source file whose argument is not a string literal (esbuild passes them by). */
async function findComputedImports(path, text) {
  const { default: ts } = await import('typescript');
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const lines = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (!arg || !ts.isStringLiteralLike(arg))
        lines.push(file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return lines;
}

/** Every lazily imported source file, found by building until no new one turns up. */
const lazy = new Map(); // bundle name -> source path

async function bundleOnce() {
  const found = [];
  const result = await build({
    write: false,
    metafile: true,
    entryPoints: { ...ENTRIES, ...Object.fromEntries(lazy) },
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
    logLevel: 'silent',
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
          b.onResolve({ filter: /.*/ }, (args) => {
            // Our own sources only: dependencies' import() calls are theirs to resolve, as before.
            if (args.kind !== 'dynamic-import' || args.importer.includes('node_modules')) return undefined;
            const importer = relative(root, args.importer);
            if (!args.path.startsWith('.') || !args.path.endsWith('.js'))
              return { errors: [{ text: `${importer}: import('${args.path}') is not a source module` }] };
            const source = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
            const name = bundleName(source);
            if (!lazy.has(name)) found.push([name, relative(root, source)]);
            return { path: `./${name}.cjs`, external: true };
          });
        },
      },
    ],
  });
  // A warning here is something the bundle would get wrong at run time (a require it cannot see).
  if (result.warnings.length > 0) {
    for (const w of result.warnings) console.error(`bundle: ${w.location?.file ?? ''}: ${w.text}`);
    throw new Error('bundle: warnings are errors');
  }
  return { result, found };
}

let pass = await bundleOnce();
while (pass.found.length > 0) {
  for (const [name, source] of pass.found) lazy.set(name, source);
  pass = await bundleOnce();
}

// An import() of a computed path is left to run time, unbundled; esbuild says nothing, so our own
// sources are read for one.
const computed = [];
for (const input of Object.keys(pass.result.metafile.inputs)) {
  if (!input.endsWith('.ts') || input.includes('node_modules')) continue;
  const text = readFileSync(input, 'utf8');
  // Only a file with an import( not followed by a quote is parsed (the parser takes ~1 s to load).
  if (!/\bimport\((?!\s*['"])/.test(text)) continue;
  for (const line of await findComputedImports(input, text)) computed.push(`${input}:${line}`);
}
if (computed.length > 0) {
  for (const where of computed)
    console.error(`bundle: ${where}: import() of a computed path cannot be bundled`);
  throw new Error('bundle: an import() the bundler cannot follow');
}

// Emptied first: a bundle a previous build made and this one does not would otherwise be installed too.
rmSync('dist/bundle', { recursive: true, force: true });
mkdirSync('dist/bundle', { recursive: true });
for (const file of pass.result.outputFiles) writeFileSync(file.path, file.text);
writeThirdPartyLicenses(pass.result.metafile, 'dist/bundle/THIRD-PARTY-LICENSES.txt');
