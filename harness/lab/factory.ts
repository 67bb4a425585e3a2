/**
 * Putting a real board back in its factory state before each case — the old image alone in the primary slot,
 * nothing in the secondary or the scratch — either with a debug probe (a command that programs an Intel HEX file)
 * or through MCUboot serial recovery over the same port.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sectorContaining, sectorList } from '../../boards/index.ts';
import type { Board, FlashRegion } from '../../boards/types.ts';
import { BootproofError } from '../../emulator/common/errors.ts';
import { type HexSegment, toIntelHex } from '../../images/index.ts';
import { type SmpClient, uploadImage } from '../serial/index.ts';
import type { FactorySettings } from './lab-file.ts';
import { runShell } from './shell.ts';

export class FactoryResetError extends BootproofError {
  constructor(id: string, message: string, cause?: unknown) {
    super(`board ${id}: factory reset: ${message}`, { exitCode: 1, cause });
  }
}

/**
 * The factory contents as Intel HEX for a probe that erases every sector the file touches before writing
 * (`nrfjprog --sectorerase`, `pyocd flash --erase sector`): the image at the start of the primary slot, and one
 * erased 16-byte record in every other sector of the slots and the scratch, so each of those sectors is erased.
 */
export function factoryHex(board: Board, primary: Uint8Array): string {
  const base = board.memory.flash.base;
  const slots = board.partitions.images[0];
  const segments: HexSegment[] = [{ address: base + slots.primary.offset, bytes: primary }];
  const regions: FlashRegion[] = [slots.primary, slots.secondary, ...(board.partitions.scratch ? [board.partitions.scratch] : [])];
  const erased = new Uint8Array(16).fill(board.flash.erasedValue);
  const imageEnd = slots.primary.offset + primary.length;
  const sectors = sectorList(board.flash);
  for (const region of regions) {
    for (let at = region.offset; at < region.offset + region.size; ) {
      const sector = sectorContaining(sectors, at)!;
      const sectorEnd = sector.offset + sector.size;
      at = sectorEnd;
      if (region === slots.primary && sectorEnd <= imageEnd) continue;
      const start = region === slots.primary ? Math.max(sector.offset, alignUp(imageEnd, 16)) : sector.offset;
      if (start + 16 <= sectorEnd) segments.push({ address: base + start, bytes: erased });
    }
  }
  return toIntelHex(segments);
}

export async function programByProbe(
  id: string,
  settings: Extract<FactorySettings, { method: 'probe' }>,
  board: Board,
  primary: Uint8Array,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bootproof-factory-'));
  const hex = join(dir, 'factory.hex');
  try {
    writeFileSync(hex, factoryHex(board, primary));
    const result = await runShell(settings.command.replaceAll('{hex}', `'${hex}'`), settings.timeoutMs);
    if (!result.ok) throw new FactoryResetError(id, result.why);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What serial recovery needs of the device: switch it, talk SMP to it, read its console. */
export interface RecoveryHooks {
  readonly id: string;
  /** Power off, then on; true once `banner` (when given) showed within `timeoutMs`. */
  cycle(banner: RegExp | undefined, timeoutMs: number): Promise<boolean>;
  off(): Promise<void>;
  client(): SmpClient;
}

/**
 * MCUboot serial recovery: hold the board in recovery (`enter`), power-cycle it, upload the image into the primary
 * slot (recovery writes there), erase the secondary (slot 1), let go (`leave`) and switch it off. The scratch area
 * cannot be erased this way; a board whose swap was cut mid-way through the scratch needs the probe method.
 */
export async function restoreByRecovery(
  settings: Extract<FactorySettings, { method: 'serial-recovery' }>,
  board: Board,
  primary: Uint8Array,
  device: RecoveryHooks,
): Promise<void> {
  await runHook(device.id, settings.enter, settings.timeoutMs);
  const banner = settings.banner === undefined ? undefined : new RegExp(settings.banner);
  if (!(await device.cycle(banner, settings.timeoutMs))) {
    throw new FactoryResetError(device.id, `no recovery banner /${settings.banner}/ within ${settings.timeoutMs} ms`);
  }
  try {
    await uploadImage(device.client(), primary);
    await device.client().imageErase(1, { timeoutMs: settings.timeoutMs });
  } catch (error) {
    throw new FactoryResetError(device.id, `serial recovery on ${board.name}: ${(error as Error).message}`, error);
  }
  await runHook(device.id, settings.leave, settings.timeoutMs);
  await device.off();
}

async function runHook(id: string, command: string | undefined, timeoutMs: number): Promise<void> {
  if (command === undefined) return;
  const result = await runShell(command, timeoutMs);
  if (!result.ok) throw new FactoryResetError(id, result.why);
}

function alignUp(value: number, unit: number): number {
  return Math.ceil(value / unit) * unit;
}
