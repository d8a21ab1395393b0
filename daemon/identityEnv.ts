// Which of the caller's variables decide the identity behind a token: the one place that says so.
// The daemon resolves credentials with the caller's whole environment (a credential_process helper
// may read any variable, and finds its command on the caller's PATH), so every variable keys the
// cache except the per-shell noise below: two ordinary shells of one user still share their tokens,
// while a different PATH or a helper's own variable gets tokens of its own.

/** Variables that differ between shells and calls of one user and pick no identity. */
export const NOISE_ENV: ReadonlySet<string> = new Set([
  'PWD',
  'OLDPWD',
  'SHLVL',
  '_',
  'COLUMNS',
  'LINES',
  'COLORTERM',
  'TMUX_PANE',
  'WINDOWID',
  'WINDOW',
  'STY',
  'SSH_TTY',
  'SSH_CLIENT',
  'SSH_CONNECTION',
  'GPG_TTY',
  'VTE_VERSION',
  'ITERM_SESSION_ID',
  'KITTY_WINDOW_ID',
  'WEZTERM_PANE',
  // Per kubectl call, and only how the answer is printed (the cache renders each form apart).
  'KUBERNETES_EXEC_INFO',
  // How this call reaches the daemon, not what it asks for.
  'EKS_TOKEN_DAEMON',
  'EKS_TOKEN_SOCKET',
]);

/** True for a variable that keys the cache: all but NOISE_ENV and TERM, TERM_* (TERM_PROGRAM, TERM_SESSION_ID, ...). */
export function isIdentityEnv(name: string): boolean {
  return !NOISE_ENV.has(name) && !name.startsWith('TERM');
}
