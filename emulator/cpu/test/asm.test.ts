import { describe, expect, it as test } from 'vitest';
import * as a from './asm.ts';

/** Encodings as the GNU assembler produces them (arm-none-eabi-as -mthumb, objdump). */
describe('the test assembler', () => {
  const cases: [string, number[], number[]][] = [
    ['movs r0, #1', a.movs(0, 1), [0x2001]],
    ['adds r1, r2, #3', a.adds(1, 2, 3), [0x1cd1]],
    ['push {r4, lr}', a.push(4, 14), [0xb510]],
    ['pop {r4, pc}', a.pop(4, 15), [0xbd10]],
    ['bx lr', a.bx(14), [0x4770]],
    ['svc #0', a.svc(0), [0xdf00]],
    ['bkpt 0x00ab', a.bkpt(0xab), [0xbeab]],
    ['ldr r0, [r1, #4]', a.ldr(0, 1, 4), [0x6848]],
    ['str r0, [r1]', a.str(0, 1, 0), [0x6008]],
    ['adcs r1, r2', a.alu('adcs', 1, 2), [0x4151]],
    ['it eq', a.it('eq'), [0xbf08]],
    ['itte ne', a.it('ne', 'te'), [0xbf1a]],
    ['bl .+4 (offset 0)', a.bl(0), [0xf000, 0xf800]],
    ['udiv r0, r1, r2', a.udiv(0, 1, 2), [0xfbb1, 0xf0f2]],
    ['sdiv r0, r1, r2', a.sdiv(0, 1, 2), [0xfb91, 0xf0f2]],
    ['umull r0, r1, r2, r3', a.umull(0, 1, 2, 3), [0xfba2, 0x0103]],
    ['ubfx r0, r1, #4, #8', a.ubfx(0, 1, 4, 8), [0xf3c1, 0x1007]],
    ['movw r0, #0x1234', a.movw(0, 0x1234), [0xf241, 0x2034]],
    ['ldrex r0, [r1]', a.ldrex(0, 1), [0xe851, 0x0f00]],
    ['strex r2, r0, [r1]', a.strex(2, 0, 1), [0xe841, 0x0200]],
    ['tbb [r0, r1]', a.tbb(0, 1), [0xe8d0, 0xf001]],
    ['clz r0, r1', a.clz(0, 1), [0xfab1, 0xf081]],
    ['mrs r0, MSP', a.mrs(0, 'msp'), [0xf3ef, 0x8008]],
    ['msr PSP, r0', a.msr('psp', 0), [0xf380, 0x8809]],
    ['add.w r0, r1, #0xff00', a.dpImm('add', false, 0, 1, 0xff00), [0xf501, 0x407f]],
  ];
  for (const [text, actual, expected] of cases) {
    test(`assembles "${text}"`, () => expect(actual).toEqual(expected));
  }

  test('refuses a high register where only r0–r7 fit', () => {
    expect(() => a.adds(8, 0, 1)).toThrow(/not a low register/);
  });
});
