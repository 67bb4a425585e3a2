"""Runs a semihosting ELF on unicorn's Cortex-M3 as a whole process, without hooks on the hot path.

Usage: unicorn_run.py FIRMWARE.elf CODE_BASE RAM_BASE. Maps 4 MiB of code memory and 4 MiB of RAM, loads the
ELF's PT_LOAD segments at their physical addresses, and serves the console subset of semihosting newlib's
rdimon start-up uses (an interrupt hook: it runs on BKPT only). Prints what the firmware wrote to its console
and exits with the status SYS_EXIT or SYS_EXIT_EXTENDED gives.
"""
import struct
import sys

from unicorn import UC_ARCH_ARM, UC_HOOK_INTR, UC_MODE_MCLASS, UC_MODE_THUMB, Uc
from unicorn import arm_const as arm

SIZE = 4 << 20
APPLICATION_EXIT = 0x20026


def load_elf(uc, data):
    phoff, = struct.unpack_from("<I", data, 0x1C)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x2A)
    for i in range(phnum):
        kind, offset, _vaddr, paddr, filesz, _memsz = struct.unpack_from("<IIIIII", data, phoff + i * phentsize)
        if kind == 1 and filesz > 0:
            uc.mem_write(paddr, data[offset:offset + filesz])


def main():
    elf = open(sys.argv[1], "rb").read()
    code_base, ram_base = int(sys.argv[2], 0), int(sys.argv[3], 0)
    uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
    uc.ctl_set_cpu_model(arm.UC_CPU_ARM_CORTEX_M3)
    uc.mem_map(code_base, SIZE)
    uc.mem_map(ram_base, SIZE)
    load_elf(uc, elf)
    sp, pc = struct.unpack("<II", uc.mem_read(code_base, 8))
    uc.reg_write(arm.UC_ARM_REG_SP, sp)
    out = sys.stdout
    status = []
    handles = [2]

    def word(address, index):
        return struct.unpack("<I", uc.mem_read(address + 4 * index, 4))[0]

    def on_interrupt(uc, _number, _data):
        operation = uc.reg_read(arm.UC_ARM_REG_R0)
        parameter = uc.reg_read(arm.UC_ARM_REG_R1)
        result = 0
        if operation == 0x01:  # SYS_OPEN: only the console
            name = bytes(uc.mem_read(word(parameter, 0), word(parameter, 2)))
            if name == b":tt":
                handles[0] += 1
                result = handles[0]
            else:
                result = 0xFFFFFFFF
        elif operation == 0x05:  # SYS_WRITE
            out.write(bytes(uc.mem_read(word(parameter, 1), word(parameter, 2))).decode("latin1"))
        elif operation == 0x04:  # SYS_WRITE0
            text = bytearray()
            while True:
                byte = uc.mem_read(parameter + len(text), 1)[0]
                if byte == 0:
                    break
                text.append(byte)
            out.write(text.decode("latin1"))
        elif operation == 0x03:  # SYS_WRITEC
            out.write(chr(uc.mem_read(parameter, 1)[0]))
        elif operation == 0x09:  # SYS_ISTTY
            result = 1
        elif operation == 0x15:  # SYS_GET_CMDLINE: empty
            uc.mem_write(word(parameter, 0), b"\0")
            uc.mem_write(parameter + 4, struct.pack("<I", 0))
        elif operation == 0x16:  # SYS_HEAPINFO: unknown, the C library uses its linker symbols
            uc.mem_write(word(parameter, 0), bytes(16))
        elif operation in (0x18, 0x20):  # SYS_EXIT, SYS_EXIT_EXTENDED
            reason = parameter if operation == 0x18 else word(parameter, 0)
            code = 0 if operation == 0x18 else word(parameter, 1)
            status.append(code if reason == APPLICATION_EXIT else 1)
            uc.emu_stop()
            return
        uc.reg_write(arm.UC_ARM_REG_R0, result)
        uc.reg_write(arm.UC_ARM_REG_PC, (uc.reg_read(arm.UC_ARM_REG_PC) + 2) | 1)

    uc.hook_add(UC_HOOK_INTR, on_interrupt)
    address = pc
    while not status:
        uc.emu_start(address | 1, 0xFFFFFFFF)
        if status:
            break
        address = uc.reg_read(arm.UC_ARM_REG_PC)
    out.flush()
    sys.exit(status[0])


if __name__ == "__main__":
    main()
