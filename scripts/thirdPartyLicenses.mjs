// The licences of the packages the bundle inlines (esbuild's metafile lists every input file), in
// one file shipped beside the bundle: the MIT, ISC and BSD terms ask for their notices to travel
// with copies, and the bundle drops source comments.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes `file` (when any package is inlined) with each inlined package's name, version, licence and licence text. */
export function writeThirdPartyLicenses(metafile, file) {
  const packages = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const m = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m)
      packages.add(input.slice(0, m.index + m[0].length - 1).replace(/^.*?node_modules\//, 'node_modules/'));
  }
  // Packages with the very same licence text (most of the AWS SDK) share one copy of it.
  const byText = new Map();
  for (const dir of [...packages].sort()) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const licenceFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = licenceFile
      ? readFileSync(join(dir, licenceFile), 'utf8').trim()
      : `${manifest.license} (the package has no licence file)`;
    byText.set(text, [
      ...(byText.get(text) ?? []),
      `${manifest.name}@${manifest.version} (${manifest.license})`,
    ]);
  }
  // Nothing inlined (a tree without packages): nothing to credit, no file.
  if (byText.size === 0) return;
  const sections = [...byText].map(([text, names]) => `${names.join('\n')}\n\n${text}\n`);
  writeFileSync(
    file,
    `Packages inlined in eks-token's bundle and their licences.\n\n${sections.join(`\n${'-'.repeat(72)}\n\n`)}`,
  );
}
