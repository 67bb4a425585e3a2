"""Runs conformance cases on unicorn's Cortex-M4, or its Cortex-M0 for "armv6-m" cases (UC_MODE_THUMB | UC_MODE_MCLASS).

Reads one JSON case per line on stdin ({code, registers, apsr, data}; see generator.ts and unicorn.ts) and
writes one JSON result per line ({registers, apsr, memory} or {error}). One process serves a whole batch.
"""
import json
import sys

from unicorn import UC_ARCH_ARM, UC_MODE_MCLASS, UC_MODE_THUMB, Uc, UcError
from unicorn import arm_const as arm

CODE_BASE, CODE_SIZE, CODE_START = 0x0, 0x2000, 0x1000
DATA_BASE, DATA_SIZE = 0x20000000, 0x1000
FAR_PAGES, FAR_PAGE_SIZE = [0x600000, 0xC00000], 0x1000
STOP = bytes([0x00, 0xBE])
REGISTERS = [getattr(arm, f"UC_ARM_REG_R{n}") for n in range(13)] + [arm.UC_ARM_REG_SP, arm.UC_ARM_REG_LR]


def changed_bytes(initial, final):
    """[offset, value] for every byte that differs, comparing 64-byte chunks first."""
    out = []
    for start in range(0, DATA_SIZE, 64):
        if initial[start:start + 64] != final[start:start + 64]:
            out.extend([i, final[i]] for i in range(start, start + 64) if final[i] != initial[i])
    return out


MODELS = {"armv7e-m": arm.UC_CPU_ARM_CORTEX_M4, "armv6-m": arm.UC_CPU_ARM_CORTEX_M0}


def machine(model):
    uc = Uc(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS)
    uc.ctl_set_cpu_model(model)
    uc.mem_map(CODE_BASE, CODE_SIZE)
    uc.mem_map(DATA_BASE, DATA_SIZE)
    for page in FAR_PAGES:
        uc.mem_map(page, FAR_PAGE_SIZE)
    return uc


def main():
    machines = {}
    for line in sys.stdin:
        case = json.loads(line)
        profile = case.get("profile", "armv7e-m")
        if profile not in machines:
            machines[profile] = machine(MODELS[profile])
        uc = machines[profile]
        code = bytes.fromhex(case["code"])
        image = bytearray(CODE_SIZE)
        image[CODE_START:CODE_START + len(code)] = code
        image[CODE_START + len(code):CODE_START + len(code) + 2] = STOP
        uc.mem_write(CODE_BASE, bytes(image))
        uc.ctl_remove_cache(CODE_BASE, CODE_BASE + CODE_SIZE)
        far = {f["address"]: bytes.fromhex(f["code"]) for f in case.get("far", [])}
        for page in FAR_PAGES:
            code_there = far.get(page, b"")
            uc.mem_write(page, code_there + bytes(FAR_PAGE_SIZE - len(code_there)))
            uc.ctl_remove_cache(page, page + FAR_PAGE_SIZE)
        initial = bytes.fromhex(case["data"])
        uc.mem_write(DATA_BASE, initial)
        for reg, value in zip(REGISTERS, case["registers"]):
            uc.reg_write(reg, value)
        uc.reg_write(arm.UC_ARM_REG_XPSR_NZCVQG, case["apsr"])
        try:
            uc.emu_start(CODE_START | 1, CODE_START + len(code), timeout=1_000_000)
        except UcError as error:
            print(json.dumps({"error": str(error), "pc": uc.reg_read(arm.UC_ARM_REG_PC)}), flush=False)
            continue
        registers = [uc.reg_read(reg) for reg in REGISTERS] + [uc.reg_read(arm.UC_ARM_REG_PC)]
        apsr = uc.reg_read(arm.UC_ARM_REG_XPSR) & 0xF80F0000
        final = uc.mem_read(DATA_BASE, DATA_SIZE)
        memory = changed_bytes(initial, bytes(final))
        print(json.dumps({"registers": registers, "apsr": apsr, "memory": memory}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
