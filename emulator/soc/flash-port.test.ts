import { describe, expect, it } from 'vitest';
import { loadBoard } from '../../boards/index.ts';
import { EccFault, NorFlash, PowerCut } from '../flash/index.ts';
import { FlashPort } from './flash-port.ts';
import { Machine } from './machine.ts';

describe('FlashPort on an ECC flash', () => {
  it('routes reads of a sector with a torn unit through the flash model, which raises EccFault', () => {
    const board = loadBoard('nucleo_l552ze_q');
    const flash = new NorFlash(board.flash);
    flash.armPowerCut({ atOp: 0, outcome: 'torn', seed: 7 });
    expect(() => flash.program(0x1000, new Uint8Array(16).fill(0x5a))).toThrow(PowerCut);
    flash.disarmPowerCut();
    const port = new FlashPort(flash, board.memory.flash.base);
    expect(port.directReadable).toBe(false);
    expect(port.read(0x0, 4)).toEqual(new Uint8Array(4).fill(0xff));
    const torn = [0x1000, 0x1008].find((offset) => {
      try {
        flash.read(offset, 8);
        return false;
      } catch {
        return true;
      }
    });
    expect(torn).toBeDefined();
    expect(() => port.read(torn!, 4)).toThrow(EccFault);
    port.erase(0x1000);
    expect(port.directReadable).toBe(true);
  });
});

describe('FlashPort code-write notifications', () => {
  it('reports programs, and on a re-sync only the sectors whose contents changed', () => {
    const board = loadBoard('nrf52840dk');
    const flash = new NorFlash(board.flash);
    const port = new FlashPort(flash, board.memory.flash.base);
    const written: [number, number][] = [];
    port.setCodeWriteListener((address, length) => written.push([address, length]));
    port.program(0x2004, Uint8Array.of(1, 2, 3, 4));
    port.sync();
    expect(written).toEqual([[0x2004, 4]]);
    flash.load(0x5000, Uint8Array.of(9, 9, 9, 9));
    port.sync();
    expect(written).toEqual([
      [0x2004, 4],
      [0x5000, 0x1000],
    ]);
    expect([...port.read(0x5000, 4)]).toEqual([9, 9, 9, 9]);
  });
});

describe('unknown registers', () => {
  it('read 0 and are reported once, or are bus faults with strictRegisters', () => {
    const board = loadBoard('nrf52840dk');
    const warnings: string[] = [];
    const lenient = new Machine(board, { onWarning: (message) => warnings.push(message) });
    expect(lenient.cpu.bus.read32(0x40001000)).toBe(0);
    expect(lenient.cpu.bus.read32(0x40001000)).toBe(0);
    lenient.cpu.bus.write32(0x4001e600, 1);
    expect(warnings).toEqual([
      'read of unknown register 0x40001000 (no modelled peripheral): reads 0',
      'write of unknown register 0x4001e600 (NVMC+0x600): ignored',
    ]);
    expect(lenient.cpu.bus.read32(0x10000100)).toBe(0x52840);
    const strict = new Machine(board, { strictRegisters: true });
    expect(() => strict.cpu.bus.read32(0x4001e600)).toThrow(/unknown register 0x4001e600 \(NVMC\+0x600\)/);
    expect(() => strict.cpu.bus.read32(0x70000000)).toThrow(/nothing is mapped there/);
  });
});
