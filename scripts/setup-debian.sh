#!/usr/bin/env bash
# Installs the Debian packages that some of bootproof's tests and tools use. Tests that need one of them and do
# not find it say so and are skipped; everything else runs without them. Run as root (or through sudo).
set -euo pipefail

packages=(
  socat # harness/serial: pseudo-terminal pairs for the serial tests and the SMP benchmark
  gcc-arm-none-eabi binutils-arm-none-eabi libnewlib-arm-none-eabi # images/firmware/build.sh (libgcc; newlib for the cpu-check firmware)
  qemu-system-arm # emulator/soc: live QEMU run of the self-test firmware
  python3-unicorn # emulator/cpu/conformance: live random-instruction run against unicorn, and bench cpu
  libxml2-utils # harness/reporters: xmllint validates the JUnit XML against ../shared/schemas/junit-10.xsd
  chromium # harness/reporters: the HTML report's browser tests and bench html (driven by playwright-core)
  zsh # harness/cli: the zsh completion script is loaded and driven in a real zsh
)

if [ ${#packages[@]} -eq 0 ]; then
  echo "setup-debian: nothing to install"
  exit 0
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-debian: all present (${packages[*]})"
  exit 0
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup-debian: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
