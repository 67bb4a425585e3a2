/**
 * MRS and MSR on the special registers (ARMv7-M B5.2.2/B5.2.3, SYSm encoding): the xPSR views, MSP/PSP, the
 * ARMv8-M stack limits, PRIMASK, BASEPRI (and BASEPRI_MAX), FAULTMASK and CONTROL. Unprivileged code reads them
 * but writes only APSR.
 */
import type { CortexM } from './cortex-m.ts';
import { FLAG } from './emit.ts';

export function readSpecialRegister(core: CortexM, sysm: number): number {
  switch (sysm) {
    case 8:
      return core.msp | 0;
    case 9:
      return core.psp | 0;
    case 10:
      return core.v8 ? core.msplim : 0;
    case 11:
      return core.v8 ? core.psplim : 0;
    case 16:
      return core.primask;
    case 17:
    case 18:
      return core.basepri;
    case 19:
      return core.faultmask;
    case 20:
      return core.control;
    default: {
      if (sysm > 7) return 0;
      const apsr = core.dsp ? core.apsr : core.apsr & 0xf8000000;
      return ((sysm & 4 ? 0 : apsr) | (sysm & 1 ? core.ipsr : 0)) | 0;
    }
  }
}

export function writeSpecialRegister(core: CortexM, sysm: number, mask: number, value: number): void {
  const r = core.r;
  if (sysm <= 3) {
    if (mask & 2) {
      r[FLAG.N] = (value >>> 31) & 1;
      r[FLAG.Z] = (value >>> 30) & 1;
      r[FLAG.C] = (value >>> 29) & 1;
      r[FLAG.V] = (value >>> 28) & 1;
      r[FLAG.Q] = (value >>> 27) & 1;
    }
    if (mask & 1 && core.dsp) r[FLAG.GE] = (value >>> 16) & 15;
    return;
  }
  if (!core.privileged()) return;
  switch (sysm) {
    case 8:
      if (core.usingPsp()) core.otherSp = value & ~3;
      else r[13] = value & ~3;
      return;
    case 9:
      if (core.usingPsp()) r[13] = value & ~3;
      else core.otherSp = value & ~3;
      return;
    case 10:
      if (core.v8) core.msplim = value & ~7;
      return;
    case 11:
      if (core.v8) core.psplim = value & ~7;
      return;
    case 16:
      core.primask = value & 1;
      return;
    case 17:
      core.basepri = value & 0xff;
      return;
    case 18:
      // BASEPRI_MAX only raises the masking level.
      if ((value & 0xff) !== 0 && ((value & 0xff) < core.basepri || core.basepri === 0)) core.basepri = value & 0xff;
      return;
    case 19:
      if (core.executionPriority() > -1 || (value & 1) === 0) core.faultmask = value & 1;
      return;
    case 20: {
      // SPSEL is ignored in Handler mode; ARMv6-M has no unprivileged Thread mode here.
      const spsel = core.ipsr === 0 ? value & 2 : core.control & 2;
      const npriv = core.v6 ? 0 : value & 1;
      core.selectStack(spsel !== 0 && core.ipsr === 0);
      core.control = spsel | npriv;
      return;
    }
    default:
      return;
  }
}
