#!/bin/sh
# Installs eks-token: checks Node >= 20, installs dependencies from the lockfile, builds, and
# puts an `eks-token` launcher in PREFIX/bin (default ~/.local). Safe to run again.
set -eu

prefix="${HOME}/.local"
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "eks-token install: --prefix needs a directory" >&2; exit 1; }; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; shift ;;
    -h|--help) echo "usage: ./install.sh [--prefix DIR]   (default DIR: ~/.local)"; exit 0 ;;
    *) echo "eks-token install: unknown option $1: see ./install.sh --help" >&2; exit 1 ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null 2>&1 || { echo "eks-token install: node not found: install Node.js 20 or newer" >&2; exit 1; }
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || { echo "eks-token install: Node $(node --version) is too old: install Node.js 20 or newer" >&2; exit 1; }

cd "$here"
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build

mkdir -p "$prefix/bin" "$prefix/lib"
lib="$prefix/lib/eks-token"
rm -rf "$lib.tmp"
mkdir -p "$lib.tmp"
cp -R dist/bundle/. "$lib.tmp/"
rm -rf "$lib"
mv "$lib.tmp" "$lib"
sed "s|@LIBDIR@|$lib|" bin/eks-token.in > "$prefix/bin/eks-token.tmp"
chmod 755 "$prefix/bin/eks-token.tmp"
mv "$prefix/bin/eks-token.tmp" "$prefix/bin/eks-token"
echo "eks-token $("$prefix/bin/eks-token" --version) installed: $prefix/bin/eks-token"
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "note: add $prefix/bin to PATH" ;; esac
