// The native cache-hit client (native/eks-token-hit.c): how it is built, where the launcher looks
// for it, and the doctor line that says whether it is in use.
import { accessSync, constants, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Check } from './formatCheck.js';

/** The compiler flags of the native client: C11, warnings as errors, hardened (linker flags on Linux). */
export function nativeCflags(platform: NodeJS.Platform = process.platform): string[] {
  const flags = [
    '-std=c11',
    '-O2',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-D_FORTIFY_SOURCE=2',
    '-fstack-protector-strong',
  ];
  return platform === 'linux' ? [...flags, '-fPIE', '-pie', '-Wl,-z,relro,-z,now'] : flags;
}

/** The flags of its AddressSanitizer + UndefinedBehaviorSanitizer build, for CI. */
export const SANITIZER_CFLAGS = [
  '-std=c11',
  '-O1',
  '-g',
  '-fno-omit-frame-pointer',
  '-fsanitize=address,undefined',
  '-fno-sanitize-recover=all',
  '-Wall',
  '-Wextra',
  '-Werror',
];

/**
 * Where the launcher runs the native client from, for the bundle at `bundlePath`: dist/native/ in
 * a checkout or the npm package, beside the bundle where install.sh put it.
 */
export function nativeClientPath(bundlePath: string): string {
  const bundleDir = dirname(bundlePath);
  if (basename(bundleDir) === 'bundle' && basename(dirname(bundleDir)) === 'dist')
    return join(dirname(bundleDir), 'native', 'eks-token-hit');
  return join(bundleDir, 'eks-token-hit');
}

/** The doctor line: whether daemon cache hits skip Node, and how to get that when they do not. */
export function checkNativeClient(selfPath: string, env: Record<string, string | undefined>): Check {
  const path = nativeClientPath(selfPath);
  if (isExecutable(path)) {
    return env.EKS_TOKEN_NATIVE === 'off'
      ? { status: 'ok', area: 'native', detail: `${path} is built but off (EKS_TOKEN_NATIVE=off)` }
      : { status: 'ok', area: 'native', detail: `daemon cache hits are answered by ${path}, without Node` };
  }
  const source = join(dirname(selfPath), '..', '..', 'native', 'eks-token-hit.c');
  const fix = existsSync(source)
    ? `mkdir -p ${dirname(path)} && cc ${nativeCflags().join(' ')} -o ${path} ${source}`
    : 'install a C compiler (cc) and run ./install.sh again';
  return {
    status: 'ok',
    area: 'native',
    detail: 'no native client: daemon cache hits start Node (everything works; a hit is faster with it)',
    fix,
  };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
