"""Times a benchmark binary on unicorn's Cortex-M4 without hooks on the hot path.

Usage: unicorn_bench.py FIRMWARE.bin. The binary has its vector table at 0 and uses 128 KiB of RAM at
0x20000000; semihosting SYS_EXIT (BKPT 0xAB with r0 = 0x18 or 0x20) ends the run, other semihosting calls are
skipped. Prints {"seconds": …, "exited": true|false} as JSON.
"""
import json
import struct
import sys
import time

from unicorn import UC_ARCH_ARM, UC_HOOK_INTR, UC_MODE_MCLASS, UC_MODE_THUMB, Uc
from unicorn import arm_const as arm

FLASH_SIZE = 1 << 20
RAM_BASE, RAM_SIZE = 0x20000000, 128 << 10


def main():
    image = open(sys.argv[1], "rb").read()
    uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
    uc.ctl_set_cpu_model(arm.UC_CPU_ARM_CORTEX_M4)
    uc.mem_map(0, FLASH_SIZE)
    uc.mem_map(RAM_BASE, RAM_SIZE)
    uc.mem_write(0, image)
    sp, pc = struct.unpack("<II", image[:8])
    uc.reg_write(arm.UC_ARM_REG_SP, sp)
    exited = []

    def on_interrupt(uc, number, _data):
        operation = uc.reg_read(arm.UC_ARM_REG_R0)
        if operation in (0x18, 0x20):
            exited.append(True)
            uc.emu_stop()
            return
        uc.reg_write(arm.UC_ARM_REG_R0, 0)
        uc.reg_write(arm.UC_ARM_REG_PC, (uc.reg_read(arm.UC_ARM_REG_PC) + 2) | 1)

    uc.hook_add(UC_HOOK_INTR, on_interrupt)
    start = time.perf_counter()
    address = pc
    while not exited:
        uc.emu_start(address | 1, 0xFFFFFFFF, timeout=60_000_000)
        if exited:
            break
        address = uc.reg_read(arm.UC_ARM_REG_PC)
    print(json.dumps({"seconds": time.perf_counter() - start, "exited": bool(exited)}))


if __name__ == "__main__":
    main()
