#!/usr/bin/env bash
# Builds the test firmware into images/firmware/build/ with Debian's arm-none-eabi-gcc. The build is
# reproducible (fixed flags and input order, no paths or timestamps in the output), so CI can rebuild and compare:
#   images/firmware/build.sh           rebuild build/
#   images/firmware/build.sh --check   rebuild into a temporary folder and fail if it differs from build/
set -euo pipefail
cd "$(dirname "$0")"

mode=build
[ "${1:-}" = "--check" ] && mode=check
out=build
out_is_temp=
if [ "$mode" = check ]; then
  out=$(mktemp -d)
  out_is_temp=1
fi
mkdir -p "$out"

CC=arm-none-eabi-gcc
OBJCOPY=arm-none-eabi-objcopy
export SOURCE_DATE_EPOCH=0 LC_ALL=C
CFLAGS=(-mthumb -mfloat-abi=soft -O2 -g -gno-record-gcc-switches -std=c11 -Wall -Wextra -Werror
  -ffreestanding -fno-common -ffunction-sections -fdata-sections -ffile-prefix-map="$PWD"=.)
# max-page-size keeps the ELF headers out of the first PT_LOAD segment (they would land in flash).
LDFLAGS=(-nostdlib -nostartfiles -Wl,--gc-sections -Wl,--build-id=none -Wl,-z,max-page-size=16 -Lld)

# build NAME CPU LINKER_SCRIPT [-D...] -- SOURCES...
build() {
  local name=$1 cpu=$2 script=$3
  shift 3
  local defines=()
  while [ "$1" != "--" ]; do defines+=("$1"); shift; done
  shift
  "$CC" -mcpu="$cpu" "${CFLAGS[@]}" "${defines[@]}" "${LDFLAGS[@]}" -T"$script" -o "$out/$name.elf" "$@" -lgcc
  "$OBJCOPY" -O binary "$out/$name.elf" "$out/$name.bin"
}

COMMON=(common/startup.c common/print.c common/string.c)

# The test application, linked at the board's primary slot after the MCUboot header (layout from the board
# file). Variant 0 confirms, 1 never confirms, 2 HardFaults before confirming, 3 hangs.
scripts=$(mktemp -d)
trap 'rm -rf "$scripts" ${out_is_temp:+"$out"}' EXIT
variants=(confirm never-confirm hardfault hang)
app() {
  local board=$1 cpu=$2 board_source=$3
  local SLOT0_START SLOT0_SIZE SLOT1_START SLOT1_SIZE HEADER_SIZE RAM_BASE RAM_SIZE BOOT_START BOOT_SIZE
  eval "$(cd ../.. && npx --no-install tsx images/firmware/board-layout.ts "$board")"
  # The top 4 KiB of the slot hold the MCUboot trailer: keep code out of it.
  printf 'MEMORY\n{\n  FLASH (rx) : ORIGIN = %s, LENGTH = %s\n  RAM (rwx) : ORIGIN = %s, LENGTH = %s\n}\nINCLUDE common.ld\n' \
    "$((SLOT0_START + HEADER_SIZE))" "$((SLOT0_SIZE - HEADER_SIZE - 0x1000))" "$((RAM_BASE))" "$((RAM_SIZE))" \
    >"$scripts/$board-app.ld"
  for version in 1.0.0 2.0.0; do
    for index in "${!variants[@]}"; do
      build "app-$board-${variants[$index]}-v$version" "$cpu" "$scripts/$board-app.ld" \
        -DAPP_VARIANT="$index" -DAPP_VERSION="\"$version\"" \
        -DSLOT0_START="${SLOT0_START}u" -DSLOT0_SIZE="${SLOT0_SIZE}u" -DSLOT1_START="${SLOT1_START}u" \
        -DSLOT1_SIZE="${SLOT1_SIZE}u" -- "${COMMON[@]}" app/main.c "$board_source"
    done
  done
}
app nrf52840dk cortex-m4 app/board-nrf52.c
app stm32f429zi cortex-m4 app/board-stm32f4.c
app nucleo_l552ze_q cortex-m33 app/board-stm32l5.c

# minboot: a bootloader-shaped test firmware for the CPU-level device (nRF52840 DK), linked at the boot partition.
# Variant 0 installs and hands off; 1 never hands off, 2 jumps into garbage, 3 sleeps; "wrongbase" is variant 0
# linked at STM32's flash base (a binary for the wrong flash base).
minboot() {
  local board=nrf52840dk cpu=cortex-m4
  local SLOT0_START SLOT0_SIZE SLOT1_START SLOT1_SIZE HEADER_SIZE RAM_BASE RAM_SIZE BOOT_START BOOT_SIZE
  eval "$(cd ../.. && npx --no-install tsx images/firmware/board-layout.ts "$board")"
  printf 'MEMORY\n{\n  FLASH (rx) : ORIGIN = %s, LENGTH = %s\n  RAM (rwx) : ORIGIN = %s, LENGTH = %s\n}\nINCLUDE common.ld\n' \
    "$((BOOT_START))" "$((BOOT_SIZE))" "$((RAM_BASE))" "$((RAM_SIZE))" >"$scripts/$board-boot.ld"
  printf 'MEMORY\n{\n  FLASH (rx) : ORIGIN = 0x8000000, LENGTH = %s\n  RAM (rwx) : ORIGIN = %s, LENGTH = %s\n}\nINCLUDE common.ld\n' \
    "$((BOOT_SIZE))" "$((RAM_BASE))" "$((RAM_SIZE))" >"$scripts/$board-wrongbase.ld"
  local names=(handoff spin garbage sleep)
  local slots=(-DSLOT0_START="${SLOT0_START}u" -DSLOT0_SIZE="${SLOT0_SIZE}u" -DSLOT1_START="${SLOT1_START}u")
  for index in "${!names[@]}"; do
    build "minboot-$board-${names[$index]}" "$cpu" "$scripts/$board-boot.ld" -DMINBOOT_VARIANT="$index" "${slots[@]}" \
      -- "${COMMON[@]}" minboot/minboot.c app/board-nrf52.c
  done
  build "minboot-$board-wrongbase" "$cpu" "$scripts/$board-wrongbase.ld" -DMINBOOT_VARIANT=0 "${slots[@]}" \
    -- "${COMMON[@]}" minboot/minboot.c app/board-nrf52.c
}
minboot

SELFTEST=("${COMMON[@]}" common/semihost.c selftest/selftest.c selftest/exceptions.c selftest/isa.c)
# An address no MPS2 image maps: loads from it must be precise BusFaults under QEMU and bootproof alike.
build selftest-mps2-an385 cortex-m3 mps2-an385.ld -DSELFTEST_TARGET='"mps2-an385 cortex-m3"' \
  -DBUS_FAULT_ADDRESS=0x70000000u -- "${SELFTEST[@]}"
build selftest-mps2-an386 cortex-m4 mps2-an385.ld -DSELFTEST_TARGET='"mps2-an386 cortex-m4"' \
  -DBUS_FAULT_ADDRESS=0x70000000u -- "${SELFTEST[@]}"
build selftest-mps2-an505 cortex-m33 mps2-an505.ld -DSELFTEST_TARGET='"mps2-an505 cortex-m33"' \
  -DBUS_FAULT_ADDRESS=0x70000000u -- "${SELFTEST[@]}"

# Probes: a few instructions of assembly, each exercising one SoC behaviour from the CPU's side.
for probe in nrf-rtc-wake nrf-nwrite-budget; do
  "$CC" -mcpu=cortex-m4 -mthumb -nostdlib -nostartfiles -Wl,--build-id=none -Wl,-z,max-page-size=16 \
    -Wl,-Ttext=0 -Wl,-e,0 -o "$out/$probe.elf" "probes/$probe.s"
  "$OBJCOPY" -O binary "$out/$probe.elf" "$out/$probe.bin"
done

BENCH=("${COMMON[@]}" common/semihost.c bench/bench.c crypto/sha256.c)
build bench-m4 cortex-m4 bench.ld -- "${BENCH[@]}"
build bench-m0plus cortex-m0plus bench.ld -- "${BENCH[@]}"

# The signature checks and hashes the bootloader links (crypto/), run on the target by the crypto tests: the
# firmware reads its cases from RAM (see crypto/test/check.c).
CRYPTO=(crypto/sha256.c crypto/sha512.c crypto/bn256.c crypto/p256.c crypto/ed25519.c)
build crypto-check-m4 cortex-m4 crypto-check.ld -- "${COMMON[@]}" common/semihost.c crypto/test/check.c "${CRYPTO[@]}"
build crypto-check-m33 cortex-m33 crypto-check.ld -- "${COMMON[@]}" common/semihost.c crypto/test/check.c "${CRYPTO[@]}"

# cpu-check: newlib firmware (--specs=rdimon: printf, malloc, exit over semihosting) at -O2 and -Os for each core
# QEMU's MPS2 machines run: SHA-256, P-256 bignum, wide conditional branches, CMSIS-style NVIC priorities
# (rdimon/). The M0+ build runs on mps2-an385's memory map (QEMU's M3 runs ARMv6-M code unchanged). The
# cpu-bench build is the same program at -O2 with enough rounds for `npm run bench cpu` (over 250 M instructions),
# without the NVIC part (unicorn, which the benchmark compares with, has no NVIC).
rdimon_layout() {
  printf 'MEMORY\n{\n  FLASH (rx) : ORIGIN = %s, LENGTH = 4M\n  RAM (rwx) : ORIGIN = %s, LENGTH = 256K\n}\nINCLUDE rdimon.ld\n' "$2" "$3" \
    >"$scripts/rdimon-$1.ld"
}
rdimon_layout mps2-an385 0x00000000 0x20000000
rdimon_layout mps2-an505 0x10000000 0x38000000
# rdimon_build NAME CPU LAYOUT OPT [-D...]
rdimon_build() {
  local name=$1 cpu=$2 layout=$3 opt=$4
  shift 4
  local sources=(rdimon/startup.c rdimon/check.c rdimon/bignum.c crypto/sha256.c)
  [ "$cpu" != cortex-m0plus ] && sources+=(rdimon/branches.S)
  "$CC" -mcpu="$cpu" -mthumb -mfloat-abi=soft "$opt" -std=c11 -Wall -Wextra -Werror \
    -ffunction-sections -fdata-sections -ffile-prefix-map="$PWD"=. --specs=rdimon.specs \
    -DCHECK_TARGET="\"$cpu $opt\"" "$@" -Wl,--gc-sections -Wl,--strip-debug -Wl,--build-id=none -Wl,-z,max-page-size=16 -Lld \
    -T"$scripts/rdimon-$layout.ld" -o "$out/$name.elf" "${sources[@]}"
}
for opt in O2 Os; do
  rdimon_build "cpu-check-m0plus-$opt" cortex-m0plus mps2-an385 "-$opt"
  rdimon_build "cpu-check-m3-$opt" cortex-m3 mps2-an385 "-$opt"
  rdimon_build "cpu-check-m4-$opt" cortex-m4 mps2-an385 "-$opt"
  rdimon_build "cpu-check-m33-$opt" cortex-m33 mps2-an505 "-$opt"
done
rdimon_build cpu-bench-m3 cortex-m3 mps2-an385 -O2 -DCHECK_ROUNDS=230 -DCHECK_BENCH

# The reference bootloader (bootloader/README.md): one strategy, signature type and board layout per build, the
# layout and the trusted key generated from the board file and keys/ at build time; next to each binary the build
# configuration the CPU-level device reads (bootproof-bootloader/1).
BOOTLOADER=(common/startup.c common/print.c common/string.c bootloader/main.c bootloader/loader.c
  bootloader/image.c bootloader/trailer.c bootloader/flash.c bootloader/fault.c bootloader/counter.c
  crypto/sha256.c)
declare -A BOOTLOADER_CPU=([nrf52840dk]=cortex-m4 [stm32f429zi]=cortex-m4 [nucleo_l552ze_q]=cortex-m33)
declare -A BOOTLOADER_PORT=([nrf52840dk]=nrf52 [stm32f429zi]=stm32f4 [nucleo_l552ze_q]=stm32l5)
# bootloader NAME BOARD STRATEGY SIGNATURE DOWNGRADE IMAGES [-DMUTANT_...]
bootloader() {
  local name=$1 board=$2 strategy=$3 signature=$4 downgrade=$5 images=$6
  shift 6
  local dir="$scripts/bootloader-$board" key crypto defines=("$@")
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    (cd ../.. && npx --no-install tsx images/firmware/bootloader/layout.ts "$board") >"$dir/layout.h"
    local FLASH_BASE BOOT_CODE_SIZE RAM_BASE RAM_SIZE
    eval "$(sed -n 's/^#define \(FLASH_BASE\|BOOT_CODE_SIZE\|RAM_BASE\|RAM_SIZE\) \(0x[0-9a-f]*\)u$/\1=\2/p' "$dir/layout.h")"
    printf 'MEMORY\n{\n  FLASH (rx) : ORIGIN = %s, LENGTH = %s\n  RAM (rwx) : ORIGIN = %s, LENGTH = %s\n}\nINCLUDE common.ld\n' \
      "$FLASH_BASE" "$BOOT_CODE_SIZE" "$RAM_BASE" "$RAM_SIZE" >"$dir/bootloader.ld"
  fi
  case $signature in
    ecdsa-p256) key=ecdsa-p256.pem crypto=(crypto/p256.c crypto/bn256.c) defines+=(-DSIGNATURE_ECDSA_P256) ;;
    ed25519) key=ed25519.pem crypto=(crypto/ed25519.c crypto/sha512.c crypto/bn256.c) defines+=(-DSIGNATURE_ED25519) ;;
  esac
  [ -f "$dir/keys-$signature.h" ] ||
    (cd ../.. && npx --no-install tsx images/firmware/bootloader/keys.ts "images/firmware/bootloader/keys/$key") \
      >"$dir/keys-$signature.h"
  cp "$dir/keys-$signature.h" "$dir/keys.h"
  case $downgrade in
    version) defines+=(-DDOWNGRADE_VERSION) ;;
    security-counter) defines+=(-DDOWNGRADE_SECURITY_COUNTER) ;;
  esac
  # The generated headers live in a temporary folder: its name must not reach the debug information.
  build "$name" "${BOOTLOADER_CPU[$board]}" "$dir/bootloader.ld" -Os -I"$dir" -ffile-prefix-map="$dir"=generated \
    -DVALIDATE_PRIMARY \
    -DIMAGE_COUNT="$images" "${defines[@]}" -- "${BOOTLOADER[@]}" "${crypto[@]}" \
    "bootloader/$strategy.c" "bootloader/port-${BOOTLOADER_PORT[$board]}.c" "app/board-${BOOTLOADER_PORT[$board]}.c"
  local counter=null
  if [ "$downgrade" = security-counter ]; then
    counter=$(sed -n 's/^#define COUNTER_OFFSET \(0x[0-9a-f]*\)u$/\1/p' "$dir/layout.h")
    local base size
    base=$(sed -n 's/^#define FLASH_BASE \(0x[0-9a-f]*\)u$/\1/p' "$dir/layout.h")
    size=$(sed -n 's/^#define COUNTER_SIZE \(0x[0-9a-f]*\)u$/\1/p' "$dir/layout.h")
    counter=$(printf '{ "address": "0x%x", "size": %d }' \
      "$((base + counter))" "$((size))")
  fi
  printf '%s\n' "{" \
    '  "format": "bootproof-bootloader/1",' \
    "  \"name\": \"$name\"," \
    "  \"strategy\": \"$strategy\"," \
    '  "maxAlign": 8,' \
    '  "maxImageSectors": 128,' \
    "  \"imageCount\": $images," \
    '  "validatePrimary": true,' \
    "  \"downgradePrevention\": \"$downgrade\"," \
    "  \"hardwareCounter\": $counter," \
    "  \"signature\": \"$signature\"," \
    "  \"signingKey\": \"../bootloader/keys/$key\"," \
    '  "console": { "handoff": "I: Jumping to the first image slot", "halt": "E: Unable to find bootable image" }' \
    "}" >"$out/$name.json"
}
bootloader bootloader-nrf52840dk-swap-move nrf52840dk swap-move ecdsa-p256 version 1
bootloader bootloader-nrf52840dk-overwrite-only nrf52840dk overwrite-only ecdsa-p256 version 1
bootloader bootloader-nrf52840dk-swap-scratch nrf52840dk swap-scratch ecdsa-p256 version 1
bootloader bootloader-stm32f429zi-swap-scratch stm32f429zi swap-scratch ecdsa-p256 version 1
bootloader bootloader-stm32f429zi-overwrite-only stm32f429zi overwrite-only ecdsa-p256 version 1
bootloader bootloader-nucleo_l552ze_q-overwrite-only nucleo_l552ze_q overwrite-only ecdsa-p256 version 2
bootloader bootloader-nucleo_l552ze_q-swap-move nucleo_l552ze_q swap-move ecdsa-p256 version 1
bootloader bootloader-nrf52840dk-swap-move-counter nrf52840dk swap-move ecdsa-p256 security-counter 1
bootloader bootloader-nrf52840dk-swap-move-ed25519 nrf52840dk swap-move ed25519 version 1
# Binary mutants: each the build above it with one defect of a class real bootloaders shipped (bootloader/README.md).
for mutant in no-progress torn-magic primary-not-validated tlv-length-trusted revert-without-validation \
  swap-state-in-ram; do
  bootloader "bootloader-nrf52840dk-swap-move-mutant-$mutant" nrf52840dk swap-move ecdsa-p256 version 1 \
    "-DMUTANT_$(echo "$mutant" | tr a-z- A-Z_)"
done
bootloader bootloader-nrf52840dk-overwrite-only-mutant-erase-before-validate nrf52840dk overwrite-only ecdsa-p256 \
  version 1 -DMUTANT_ERASE_BEFORE_VALIDATE
bootloader bootloader-nrf52840dk-swap-move-counter-mutant-counter-on-test-boot nrf52840dk swap-move ecdsa-p256 \
  security-counter 1 -DMUTANT_COUNTER_ON_TEST_BOOT
bootloader bootloader-nucleo_l552ze_q-swap-move-mutant-ecc-rewrite nucleo_l552ze_q swap-move ecdsa-p256 version 1 \
  -DMUTANT_ECC_REWRITE
bootloader bootloader-nucleo_l552ze_q-overwrite-only-mutant-dependencies-unprotected nucleo_l552ze_q overwrite-only \
  ecdsa-p256 version 2 -DMUTANT_DEPENDENCIES_UNPROTECTED

if [ "$mode" = check ]; then
  if ! diff -r "$out" build >/dev/null; then
    echo "images/firmware: the committed build differs from a fresh build:" >&2
    diff -rq "$out" build >&2 || true
    exit 1
  fi
  echo "images/firmware: build/ matches a fresh build"
fi
