// Bundles the CLI into dist/bundle: a small entry chunk (Node built-ins only, for the cache-hit
// path) and lazily imported chunks for the AWS SDK, undici and dns-packet.
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'plugin/cli.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  // CommonJS dependencies call require(); ESM output has none unless we make one.
  banner: {
    js: "import { createRequire as __eksCreateRequire } from 'node:module'; const require = __eksCreateRequire(import.meta.url);",
  },
});
