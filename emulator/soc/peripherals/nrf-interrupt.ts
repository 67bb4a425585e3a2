import type { PeripheralContext } from '../peripheral.ts';

/** nRF52 peripherals raise the interrupt numbered by their ID, bits 17:12 of their base address (PS §4.2.4). */
export const nrfInterrupt = (base: number): number => (base >>> 12) & 0x3f;

/** Raises the peripheral's interrupt when any of `events` is enabled in its INTEN. */
export function raiseIfEnabled(context: PeripheralContext, base: number, inten: number, events: number): void {
  if ((inten & events) !== 0) context.raiseInterrupt(nrfInterrupt(base));
}
