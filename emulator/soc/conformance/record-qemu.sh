#!/usr/bin/env bash
# Records what the self-test firmware prints under QEMU (-semihosting), one file per MPS2 machine:
#   record-qemu.sh            writes the committed recordings here (after rebuilding images/firmware)
#   record-qemu.sh DIR        writes them to DIR instead (the conformance test's live run)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here}"
for machine in mps2-an385 mps2-an386 mps2-an505; do
  timeout 60 qemu-system-arm -M "$machine" -display none -monitor none -serial null \
    -chardev stdio,id=semihosting -semihosting-config enable=on,target=native,chardev=semihosting \
    -kernel "$here/../../../images/firmware/build/selftest-$machine.elf" >"$out/selftest-$machine.qemu.txt"
done
