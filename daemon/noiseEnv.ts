/**
 * Variables that differ between shells and calls of one user and that a credential_process helper
 * has no business reading: exact names (TERM_PROGRAM is noise, TERMINAL_ACCOUNT is not).
 */
export const NOISE_ENV: ReadonlySet<string> = new Set([
  // The shell and the terminal.
  'PWD',
  'OLDPWD',
  'SHLVL',
  '_',
  'COLUMNS',
  'LINES',
  'TERM',
  'COLORTERM',
  'TERM_PROGRAM',
  'TERM_PROGRAM_VERSION',
  'TERM_SESSION_ID',
  'WINDOWID',
  'VTE_VERSION',
  'ITERM_SESSION_ID',
  'KITTY_WINDOW_ID',
  'KITTY_PID',
  'WEZTERM_PANE',
  'KONSOLE_DBUS_SESSION',
  'KONSOLE_DBUS_WINDOW',
  'SHELL_SESSION_ID',
  'GPG_TTY',
  // Multiplexers.
  'TMUX',
  'TMUX_PANE',
  'STY',
  'WINDOW',
  'ZELLIJ',
  'ZELLIJ_PANE_ID',
  'ZELLIJ_SESSION_NAME',
  // SSH logins.
  'SSH_TTY',
  'SSH_CLIENT',
  'SSH_CONNECTION',
  'SSH_AUTH_SOCK',
  // IDE terminals.
  'VSCODE_GIT_IPC_HANDLE',
  'VSCODE_GIT_ASKPASS_NODE',
  'VSCODE_GIT_ASKPASS_MAIN',
  'VSCODE_GIT_ASKPASS_EXTRA_ARGS',
  'VSCODE_IPC_HOOK_CLI',
  'VSCODE_INJECTION',
  'VSCODE_NONCE',
  'VSCODE_STABLE',
  'TERMINAL_EMULATOR',
  // Prompts, direnv and benchmark runners.
  'STARSHIP_SESSION_KEY',
  'STARSHIP_SHELL',
  'DIRENV_DIFF',
  'DIRENV_WATCHES',
  'HYPERFINE_RANDOMIZED_ENVIRONMENT_OFFSET',
  // Per kubectl call, and only how the answer is printed (the cache renders each form apart).
  'KUBERNETES_EXEC_INFO',
  // How this call reaches the daemon, not what it asks for.
  'EKS_TOKEN_DAEMON',
  'EKS_TOKEN_SOCKET',
  'EKS_TOKEN_NATIVE',
]);
