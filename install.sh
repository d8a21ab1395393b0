#!/bin/sh
# Installs eks-token: checks Node >= 20.16, installs dependencies from the lockfile, builds, and puts
# the bundle in PREFIX/lib/eks-token and an `eks-token` launcher in PREFIX/bin. Safe to run again.
#   --prefix DIR    where to install (default ~/.local)
#   --with-daemon   also install and enable the per-user token service (systemd socket unit, or a
#                   launchd agent on macOS)
#   --uninstall     remove everything this script installs under PREFIX, the service files, the
#                   daemon's socket directory and the directories left empty
#   --skip-build    reuse an existing build in dist/ (for packagers and tests)
set -eu

prefix="${HOME}/.local"
with_daemon=0
uninstall=0
skip_build=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "eks-token install: --prefix needs a directory" >&2; exit 1; }; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    --with-daemon) with_daemon=1; shift ;;
    --uninstall) uninstall=1; shift ;;
    --skip-build) skip_build=1; shift ;;
    -h|--help) sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) echo "eks-token install: unknown option $1: see ./install.sh --help" >&2; exit 1 ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
case "$prefix" in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac
bindir="$prefix/bin"
lib="$prefix/lib/eks-token"
units="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"
agent="$HOME/Library/LaunchAgents/info.devinfra.eks-token.plist"
has_user_systemd() { command -v systemctl >/dev/null 2>&1 && systemctl --user show-environment >/dev/null 2>&1; }

if [ "$uninstall" = 1 ]; then
  if [ -f "$units/eks-token.socket" ] || [ -f "$units/eks-token.service" ]; then
    has_user_systemd && systemctl --user disable --now eks-token.socket eks-token.service >/dev/null 2>&1 || true
    rm -f "$units/eks-token.socket" "$units/eks-token.service"
    has_user_systemd && systemctl --user daemon-reload || true
  fi
  if [ -f "$agent" ]; then
    command -v launchctl >/dev/null 2>&1 && launchctl unload "$agent" 2>/dev/null || true
    rm -f "$agent"
  fi
  # Stops a running daemon and removes its socket directory once empty.
  [ -x "$bindir/eks-token" ] && "$bindir/eks-token" daemon stop >/dev/null 2>&1 || true
  rm -rf "$lib" "$bindir/eks-token"
  # The directories an install made, each only if nothing else is in it.
  for d in "$bindir" "$prefix/lib" "$prefix" "$units" "$(dirname "$units")"; do rmdir "$d" 2>/dev/null || true; done
  echo "eks-token removed from $prefix"
  exit 0
fi

command -v node >/dev/null 2>&1 || { echo "eks-token install: node not found: install Node.js 20.16 or newer" >&2; exit 1; }
# The plugin's entry loads net with process.getBuiltinModule (Node 20.16+, 22.3+); test for it, not a number.
node -e 'process.exit(typeof process.getBuiltinModule === "function" ? 0 : 1)' ||
  { echo "eks-token install: Node $(node --version) is too old: install Node.js 20.16 or newer (or 22.3+)" >&2; exit 1; }

cd "$here"
if [ "$skip_build" = 0 ]; then
  # Dev dependencies are the build tools and what the bundle inlines, even with NODE_ENV=production.
  npm ci --include=dev --no-audit --no-fund --loglevel=error
  npm run --silent build
fi
[ -f dist/bundle/cli.cjs ] || { echo "eks-token install: dist/bundle/cli.cjs missing: run without --skip-build" >&2; exit 1; }

mkdir -p "$bindir" "$prefix/lib"
rm -rf "$lib.tmp"
mkdir -p "$lib.tmp"
cp -R dist/bundle/. "$lib.tmp/"
# The native cache-hit client, when the build had a C compiler for it (scripts/buildNative.mjs).
hit=
if [ -x dist/native/eks-token-hit ]; then
  cp dist/native/eks-token-hit "$lib.tmp/eks-token-hit"
  hit=$lib/eks-token-hit
fi
cp README.md "$lib.tmp/"
rm -rf "$lib"
mv "$lib.tmp" "$lib"
# The launcher runs the Node that installed it, wherever kubectl starts it from (an IDE, a desktop
# app and launchd often have no nvm or Homebrew PATH). The PATH name is kept when it leads to that
# very binary (a Homebrew or nvm link that survives upgrades); otherwise the binary itself (an asdf
# shim would pick a Node by the caller's directory). If it goes away, the launcher looks on PATH.
node_bin=$(node -p process.execPath)
node_cmd=$(command -v node)
case "$node_cmd" in /*) [ "$node_cmd" -ef "$node_bin" ] && node_bin=$node_cmd ;; esac
# As a single-quoted shell word, escaped again for sed's replacement text.
shell_word() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" | sed 's/[\\&|]/\\&/g'; }
case "$node_bin$lib" in *"
"*) echo "eks-token install: paths with a newline are not supported" >&2; exit 1 ;; esac
sed -e "s|^node=\$|node=$(shell_word "$node_bin")|" -e "s|^bundle=\$|bundle=$(shell_word "$lib/cli.cjs")|" \
  -e "s|^hit=\$|hit=${hit:+$(shell_word "$hit")}|" bin/eks-token > "$bindir/eks-token.tmp"
chmod 755 "$bindir/eks-token.tmp"
mv "$bindir/eks-token.tmp" "$bindir/eks-token"
echo "eks-token $("$bindir/eks-token" --version) installed: $bindir/eks-token"
if [ -n "$hit" ]; then
  echo "native cache-hit client built: daemon cache hits skip Node (everything works without it)"
else
  echo "no C compiler (${CC:-cc}): native cache-hit client not built; everything works without it"
fi

if [ "$with_daemon" = 1 ]; then
  fill() { sed -e "s|@BINDIR@|$bindir|g" -e "s|@LIBDIR@|$lib|g" "$1"; }
  if [ "$(uname -s)" = Darwin ]; then
    mkdir -p "$(dirname "$agent")"
    fill install/info.devinfra.eks-token.plist.in > "$agent"
    launchctl unload "$agent" 2>/dev/null || true
    launchctl load -w "$agent"
    echo "launchd agent installed: $agent"
  else
    mkdir -p "$units"
    fill install/eks-token.socket.in > "$units/eks-token.socket"
    fill install/eks-token.service.in > "$units/eks-token.service"
    if has_user_systemd; then
      systemctl --user daemon-reload
      systemctl --user enable --now eks-token.socket
      echo "systemd user socket enabled: eks-token.socket"
    else
      echo "systemd user units written to $units (no user systemd here: run 'systemctl --user enable --now eks-token.socket' in a login session)"
    fi
  fi
  echo "set EKS_TOKEN_DAEMON=on (or --daemon on in the kubeconfig args) to use it"
fi
case ":$PATH:" in
  *":$bindir:"*) ;;
  *)
    # The exact line for the user's shell, so `eks-token` works in new shells.
    case "${SHELL:-}" in
      */zsh | zsh) add="echo 'export PATH=\"$bindir:\$PATH\"' >> ~/.zshrc" ;;
      */fish | fish) add="fish_add_path $bindir" ;;
      */bash | bash) add="echo 'export PATH=\"$bindir:\$PATH\"' >> ~/.bashrc" ;;
      *) add="echo 'export PATH=\"$bindir:\$PATH\"' >> ~/.profile" ;;
    esac
    echo "note: $bindir is not on PATH; add it (then open a new shell):"
    echo "  $add"
    ;;
esac
