#!/usr/bin/env bash
# Records what the test firmware prints under QEMU (-semihosting), one file per firmware:
#   record-qemu.sh            writes the committed recordings here (after rebuilding images/firmware)
#   record-qemu.sh DIR        writes them to DIR instead (the conformance test's live run)
# The self-test exits 0; the cpu-check firmware exits 3 (its status passes through), and writes its stderr line to
# QEMU's stderr, which is not recorded.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$here/../../../images/firmware/build"
out="${1:-$here}"
qemu() {
  local machine=$1 elf=$2 expected=$3 status=0
  timeout 60 qemu-system-arm -M "$machine" -display none -monitor none -serial null \
    -chardev stdio,id=semihosting -semihosting-config enable=on,target=native,chardev=semihosting \
    -kernel "$build/$elf.elf" >"$out/$elf.qemu.txt" 2>/dev/null || status=$?
  if [ "$status" != "$expected" ]; then
    echo "record-qemu: $elf on $machine exited $status, expected $expected" >&2
    exit 1
  fi
}
for machine in mps2-an385 mps2-an386 mps2-an505; do
  qemu "$machine" "selftest-$machine" 0
done
for opt in O2 Os; do
  qemu mps2-an385 "cpu-check-m0plus-$opt" 3
  qemu mps2-an385 "cpu-check-m3-$opt" 3
  qemu mps2-an386 "cpu-check-m4-$opt" 3
  qemu mps2-an505 "cpu-check-m33-$opt" 3
done
