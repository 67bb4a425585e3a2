import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { mov32 } from '../../emulator/cpu/test/asm.ts';
import { parseElf } from '../../emulator/soc/index.ts';
import { main } from './main.ts';

const firmware = (name: string): string => fileURLToPath(new URL(`../../images/firmware/build/${name}`, import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'bootproof-emulate-'));

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  const code = await main(['node', 'bootproof', ...args]);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

/** Intel HEX of an ELF's segments, 16 bytes a record, with 04 records for the upper address half. */
function toIntelHex(elfPath: string): string {
  const record = (type: number, offset: number, data: number[]): string => {
    const bytes = [data.length, offset >> 8, offset & 0xff, type, ...data];
    const checksum = (0x100 - (bytes.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
    return `:${[...bytes, checksum].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join('')}`;
  };
  const lines: string[] = [];
  for (const segment of parseElf(elfPath, new Uint8Array(readFileSync(elfPath))).segments) {
    for (let at = 0; at < segment.bytes.length; at += 16) {
      const address = segment.address + at;
      lines.push(record(4, 0, [address >>> 24, (address >>> 16) & 0xff]));
      lines.push(record(0, address & 0xffff, [...segment.bytes.subarray(at, at + 16)]));
    }
  }
  return `${[...lines, ':00000001FF'].join('\n')}\n`;
}

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('bootproof emulate', () => {
  it('runs the nrf52840dk test app: its banner on stdout, exit 0 when the expected text appears', async () => {
    const { code, stdout } = await run('emulate', '--board', 'nrf52840dk', firmware('app-nrf52840dk-confirm-v1.0.0.elf'), '--expect-text', 'bootproof-app: confirmed');
    expect(stdout).toMatch(/^bootproof-app 1\.0\.0 slot=0\n/);
    expect(code).toBe(0);
  });

  it('logs the confirm write as a flash program with --trace', async () => {
    const { code, stderr } = await run('emulate', '--board', 'nrf52840dk', firmware('app-nrf52840dk-confirm-v2.0.0.elf'), '--max-instructions', '500000', '--trace');
    expect(code).toBe(0);
    expect(stderr).toContain('bootproof: flash program 0x72fe8 +4\n');
  });

  it('exits 1 when the text never appears: the hang variant only reboots through its watchdog', async () => {
    const { code, stdout, stderr } = await run('emulate', '--board', 'nrf52840dk', firmware('app-nrf52840dk-hang-v1.0.0.elf'), '--expect-text', 'confirmed', '--max-instructions', '8000000', '--trace');
    expect(code).toBe(1);
    expect(stderr).toContain('bootproof: reset (watchdog)');
    expect(stdout.match(/bootproof-app 1\.0\.0 slot=0/g)?.length).toBeGreaterThan(1);
    expect(stderr).toMatch(/'confirmed' did not appear on nrf52840dk's console: budget exhausted at PC=0x[0-9a-f]{8} after 8000000 instructions/);
  });

  it('loads Intel HEX as well as ELF', async () => {
    const hexFile = join(scratch, 'app.hex');
    writeFileSync(hexFile, toIntelHex(firmware('app-stm32f429zi-confirm-v1.0.0.elf')));
    const { code, stdout } = await run('emulate', '--board', 'stm32f429zi', hexFile, '--expect-text', 'slot=0');
    expect(stdout).toContain('bootproof-app 1.0.0 slot=0');
    expect(code).toBe(0);
  });

  it('runs the self-test on mps2_an385 to its semihosting exit', async () => {
    const { code, stdout } = await run('emulate', '--board', 'mps2_an385', firmware('selftest-mps2-an385.elf'));
    expect(stdout).toContain('selftest: done\n');
    expect(code).toBe(0);
  });

  it('exits with the status newlib firmware passes to exit() (SYS_EXIT_EXTENDED), its stderr on stderr', async () => {
    const { code, stdout, stderr } = await run('emulate', '--board', 'mps2_an386', firmware('cpu-check-m4-Os.elf'));
    expect(stdout).toContain('cpu-check cortex-m4 -Os\n');
    expect(stdout).toContain('failures: 0\n');
    expect(stderr).toContain('stderr: separate stream\n');
    expect(stderr).toContain('bootproof: mps2_an386: the firmware exited with status 3\n');
    expect(code).toBe(3);
  });

  // Reset code at 0x100, every fault handler at 0x200 (an undefined instruction): the HardFault locks the core up.
  it.each([
    ['an undefined instruction', [0xde00], /UsageFault UNDEFINSTR.*HardFault FORCED/],
    ['a jump to unmapped memory', [...mov32(0, 0x30000001), 0x4700], /BusFault IBUSERR.*HardFault FORCED\); the same lockup again after the lockup reset: a reset loop/],
  ])('ends on nrf52840dk (which resets on lockup) after %s with exit 1 naming the fault', async (_, code, fault) => {
    const image = Buffer.alloc(0x300);
    image.writeUInt32LE(0x20010000, 0);
    image.writeUInt32LE(0x101, 4);
    for (let n = 2; n < 16; n++) image.writeUInt32LE(0x201, 4 * n);
    for (const [i, halfword] of code.entries()) image.writeUInt16LE(halfword, 0x100 + 2 * i);
    image.writeUInt16LE(0xde00, 0x200);
    const file = join(scratch, 'lockup.bin');
    writeFileSync(file, image);
    const result = await run('emulate', '--board', 'nrf52840dk', file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/nrf52840dk: lockup: core locked up at PC=0x00000200 \(a fault while handling HardFault or NMI; faults recorded: /);
    expect(result.stderr).toMatch(fault);
  });

  it('rejects bad input with exit 2 and a message that names it', async () => {
    const broken = join(scratch, 'broken.hex');
    writeFileSync(broken, ':10000000FFFFFFFF\n');
    expect(await run('emulate', '--board', 'nrf52840dk', broken)).toMatchObject({ code: 2, stderr: expect.stringContaining(`${broken}: line 1:`) });
    expect(await run('emulate', '--board', 'nrf52840dk', join(scratch, 'missing.elf'))).toMatchObject({ code: 2, stderr: expect.stringContaining('cannot be read') });
    expect((await run('emulate', '--board', 'nrf52840dk', '--max-instructions', '-5', broken)).code).toBe(2);
    expect(await run('emulate', '--board', 'rpi_pico', firmware('bench-m0plus.elf'))).toMatchObject({ code: 2, stderr: expect.stringContaining("flash controller 'rp2040-qspi'") });
  });
});
