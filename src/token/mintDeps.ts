import { EksTokenError } from '../shared/EksTokenError.js';

/** What minting needs from the outside world (built by mintDeps). */
export interface MintDeps {
  env: Record<string, string | undefined>;
  now: () => number;
  /** One diagnostic line for stderr (notes and --debug output). */
  log: (line: string) => void;
  debug: boolean;
  mfaCodeProvider: (serial: string) => Promise<string>;
}

/** What a caller of mintToken has: the outside world, and how (whether) to ask for an MFA code. */
export interface MintWorld {
  env: Record<string, string | undefined>;
  now: () => number;
  /** One diagnostic line for stderr (notes and --debug output). */
  log: (line: string) => void;
  debug?: boolean;
  /** Asks the user for the MFA code of `serial`; absent where nobody can answer (daemon, child). */
  promptMfa?: (serial: string) => Promise<string>;
  /** Why nobody can answer, for the E_MFA_REQUIRED a profile with MFA then fails with. */
  noPromptHint?: string;
}

/** The one place MintDeps are built. */
export function mintDeps(world: MintWorld): MintDeps {
  const { env, now, log, promptMfa, noPromptHint = '' } = world;
  return {
    env,
    now,
    log,
    debug: world.debug ?? false,
    mfaCodeProvider:
      promptMfa ??
      (async (serial) => {
        throw new EksTokenError(
          'E_MFA_REQUIRED',
          `the profile needs an MFA code for ${serial}`,
          noPromptHint,
        );
      }),
  };
}
