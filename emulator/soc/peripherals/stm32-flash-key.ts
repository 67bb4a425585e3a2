/**
 * The unlock sequence every STM32 flash interface shares (RM0090 §3.9.2, RM0351 §3.3.5, RM0438 §6.3.5): CR.LOCK
 * (bit 31) clears once KEY1 then KEY2 are written to KEYR. Any other write — a wrong key, a key while unlocked,
 * anything after a failed sequence — locks CR until the next reset and raises a bus error.
 */
import { BusError } from '../../cpu/index.ts';

const KEY1 = 0x45670123;
const KEY2 = 0xcdef89ab;
export const FLASH_CR_LOCK = 0x8000_0000;

export interface FlashKeyState {
  cr: number;
  keyStage: number;
  lockedUntilReset: number;
}

/** Applies one KEYR write; `keyrAddress` and `what` name the register in the bus error. */
export function writeFlashKey(state: FlashKeyState, value: number, keyrAddress: number, what: string): void {
  const expected = state.keyStage === 0 ? KEY1 : KEY2;
  if (state.lockedUntilReset || (state.cr & FLASH_CR_LOCK) === 0 || value >>> 0 !== expected) {
    state.lockedUntilReset = 1;
    state.cr = (state.cr | FLASH_CR_LOCK) >>> 0;
    throw new BusError(keyrAddress, `${what}: wrong unlock sequence; the flash control register stays locked until reset`);
  }
  state.keyStage = state.keyStage === 0 ? 1 : 0;
  if (state.keyStage === 0) state.cr = (state.cr & ~FLASH_CR_LOCK) >>> 0;
}
