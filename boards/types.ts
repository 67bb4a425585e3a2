/**
 * A board as bootproof uses it, after its data file was read and validated (see boards/schema.ts).
 * Every number comes from the part's reference manual or the board's Zephyr devicetree; each file says which.
 */
import type { FlashGeometry } from '../emulator/flash/types.ts';

export type CpuCore = 'cortex-m0' | 'cortex-m0plus' | 'cortex-m3' | 'cortex-m4' | 'cortex-m7' | 'cortex-m33';

/** The flash controller peripheral the SoC model puts in front of the flash (register map and behaviour). */
export type FlashControllerKind =
  | 'nrf52-nvmc'
  | 'nrf53-nvmc'
  | 'stm32f4-flash'
  | 'stm32l4-flash'
  | 'stm32l5-flash'
  | 'stm32u5-flash'
  | 'stm32h7-flash'
  | 'kinetis-ftfe'
  | 'lpc55-flash'
  | 'rp2040-qspi'
  | 'cmsdk-ram'
  | 'sse200-ram';

export type UpdateStrategy = 'overwrite-only' | 'swap-scratch' | 'swap-move' | 'swap-offset' | 'direct-xip';

/** A byte range of the flash device; `offset` is relative to the start of the flash, not a bus address. */
export interface FlashRegion {
  readonly offset: number;
  readonly size: number;
}

/** One updatable image: the slot it runs from and the slot updates are downloaded to. */
export interface ImageSlots {
  readonly primary: FlashRegion;
  readonly secondary: FlashRegion;
}

export interface BoardPartitions {
  readonly bootloader: FlashRegion;
  /** Image 0 first; a second entry for multi-image layouts (e.g. TF-M secure + non-secure). */
  readonly images: readonly ImageSlots[];
  readonly scratch?: FlashRegion;
  /** Application storage (settings, NVS): the bootloader must never touch it. */
  readonly storage?: FlashRegion;
}

export interface BootloaderDefaults {
  readonly strategy: UpdateStrategy;
  /** Image header size the board's builds use (imgtool -H / CONFIG_ROM_START_OFFSET). */
  readonly headerSize: number;
  /** BOOT_MAX_ALIGN: 8, 16 or 32. */
  readonly maxAlign: number;
  /** BOOT_MAX_IMG_SECTORS. */
  readonly maxImageSectors: number;
}

export interface Board {
  /** The name a user types (`nrf52840dk`). */
  readonly name: string;
  /** A human title (`Nordic nRF52840 DK`). */
  readonly title: string;
  /** Where the file was read from, for error messages. */
  readonly file: string;
  readonly cpu: CpuCore;
  readonly memory: {
    readonly flash: { readonly base: number; readonly size: number };
    readonly ram: { readonly base: number; readonly size: number };
  };
  readonly flash: FlashGeometry;
  readonly flashController: FlashControllerKind;
  readonly partitions: BoardPartitions;
  readonly bootloader: BootloaderDefaults;
  /** Where the numbers come from: reference manual sections, devicetree files. */
  readonly sources: readonly string[];
}
