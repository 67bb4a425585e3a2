/**
 * Which peripherals a board's SoC has, where, and with which register map: data, chosen by the board's flash
 * controller kind (which names the SoC family). Base addresses come from each family's reference manual memory
 * map; the CPU clock is the one the part runs from out of reset, which sets how virtual time advances per
 * instruction (one instruction per cycle).
 */
import type { Board, FlashControllerKind } from '../../boards/index.ts';
import type { CoreModel } from '../cpu/index.ts';
import { UnsupportedBoardError } from './errors.ts';
import type { Peripheral, PeripheralContext } from './peripheral.ts';
import { CmsdkUart } from './peripherals/cmsdk-uart.ts';
import { NrfClockPower } from './peripherals/nrf-clock-power.ts';
import { NrfFicr } from './peripherals/nrf-ficr.ts';
import { NrfNvmc } from './peripherals/nrf-nvmc.ts';
import { NrfRtc } from './peripherals/nrf-rtc.ts';
import { NrfUarte } from './peripherals/nrf-uarte.ts';
import { NrfWdt } from './peripherals/nrf-wdt.ts';
import { Stm32Iwdg } from './peripherals/stm32-iwdg.ts';
import { STM32F4_PWR, STM32L4_L5_PWR, Stm32Pwr } from './peripherals/stm32-pwr.ts';
import { STM32F4_RCC, STM32L4_L5_RCC, Stm32Rcc } from './peripherals/stm32-rcc.ts';
import { STM32F4_USART, STM32L4_L5_USART, Stm32Usart } from './peripherals/stm32-usart.ts';
import { Stm32f4Flash } from './peripherals/stm32f4-flash.ts';
import { STM32L4_FLASH, STM32L5_FLASH, StmLFlash } from './peripherals/stm32l-flash.ts';

/** Builds one peripheral, or several that share state (the nRF52 NVMC and the UICR page it writes). */
type Build = (context: PeripheralContext) => Peripheral | Peripheral[];

export interface SocFamily {
  readonly name: string;
  /** Instructions per microsecond: the reset clock in MHz. */
  readonly cpuMHz: number;
  /** The peripherals; the one named `flashControllerName` receives firmware writes to the flash range. */
  readonly peripherals: readonly Build[];
  /** Undefined when the flash is plain RAM to the CPU (MPS2's SSRAM). */
  readonly flashControllerName?: string;
  /** nRF52 resets on a CPU lockup (RESETREAS.LOCKUP); STM32 stays locked up until the watchdog bites. */
  readonly lockupResets: boolean;
}

const usarts = (map: typeof STM32F4_USART, instances: Record<string, number>): Build[] =>
  Object.entries(instances).map(([name, base]) => (context) => new Stm32Usart(name, base, context, map));

/** RM0351 / RM0438 memory maps: the same USART, LPUART, IWDG and RCC addresses on L4 and L5 (non-secure). */
const stm32LCommon = (flash: typeof STM32L4_FLASH): Build[] => [
  (context) => new Stm32Rcc('RCC', 0x40021000, context, STM32L4_L5_RCC),
  (context) => new Stm32Pwr('PWR', 0x40007000, context, STM32L4_L5_PWR),
  (context) => new Stm32Iwdg('IWDG', 0x40003000, 0x400, context),
  (context) => new StmLFlash('FLASH', 0x40022000, context, flash),
  ...usarts(STM32L4_L5_USART, { USART1: 0x40013800, USART2: 0x40004400, USART3: 0x40004800, LPUART1: 0x40008000 }),
];

const FAMILIES: Partial<Record<FlashControllerKind, SocFamily>> = {
  // nRF52840 PS v1.7 §4.2.4 instantiation table; 64 MHz HFCLK.
  'nrf52-nvmc': {
    name: 'nRF52',
    cpuMHz: 64,
    flashControllerName: 'NVMC',
    lockupResets: true,
    peripherals: [
      (context) => new NrfClockPower('CLOCK/POWER', 0x40000000, 0x1000, context),
      (context) => new NrfUarte('UARTE0', 0x40002000, 0x1000, context),
      (context) => new NrfWdt('WDT', 0x40010000, 0x1000, context),
      (context) => new NrfRtc('RTC0', 0x4000b000, 0x1000, context),
      (context) => new NrfRtc('RTC1', 0x40011000, 0x1000, context),
      (context) => new NrfRtc('RTC2', 0x40024000, 0x1000, context),
      (context) => {
        const nvmc = new NrfNvmc('NVMC', 0x4001e000, 0x1000, context);
        return [nvmc, nvmc.uicr];
      },
      (context) => new NrfFicr('FICR', 0x10000000, 0x1000, context),
    ],
  },
  // RM0090 §2.3 memory map; 16 MHz HSI after reset.
  'stm32f4-flash': {
    name: 'STM32F4',
    cpuMHz: 16,
    flashControllerName: 'FLASH',
    lockupResets: false,
    peripherals: [
      (context) => new Stm32Rcc('RCC', 0x40023800, context, STM32F4_RCC),
      (context) => new Stm32Pwr('PWR', 0x40007000, context, STM32F4_PWR),
      (context) => new Stm32Iwdg('IWDG', 0x40003000, 0x400, context),
      (context) => new Stm32f4Flash('FLASH', 0x40023c00, 0x400, context),
      ...usarts(STM32F4_USART, { USART1: 0x40011000, USART2: 0x40004400, USART3: 0x40004800, USART6: 0x40011400 }),
    ],
  },
  // 4 MHz MSI after reset.
  'stm32l4-flash': { name: 'STM32L4', cpuMHz: 4, flashControllerName: 'FLASH', lockupResets: false, peripherals: stm32LCommon(STM32L4_FLASH) },
  'stm32l5-flash': { name: 'STM32L5', cpuMHz: 4, flashControllerName: 'FLASH', lockupResets: false, peripherals: stm32LCommon(STM32L5_FLASH) },
  // AN385 §3 memory map: CMSDK UART0 at 0x40004000; QEMU's mps2 runs at 25 MHz.
  'cmsdk-ram': {
    name: 'MPS2',
    cpuMHz: 25,
    lockupResets: false,
    peripherals: [(context) => new CmsdkUart('UART0', 0x40004000, 0x1000, context)],
  },
  // AN505 §3 memory map (SSE-200): CMSDK UART0 at 0x40200000, its Secure alias at 0x50200000; QEMU's mps2-an505
  // runs at 20 MHz. Firmware booted Secure uses the alias, so both addresses reach the UART.
  'sse200-ram': {
    name: 'MPS2 SSE-200',
    cpuMHz: 20,
    lockupResets: false,
    peripherals: [
      (context) => new CmsdkUart('UART0', 0x40200000, 0x1000, context),
      (context) => new CmsdkUart('UART0 (Secure alias)', 0x50200000, 0x1000, context),
    ],
  },
};

const CORES: readonly CoreModel[] = ['cortex-m0', 'cortex-m0plus', 'cortex-m3', 'cortex-m4', 'cortex-m33'];

/** The SoC family of a board and its core; an UnsupportedBoardError when either is not modelled. */
export function socFamily(board: Board): SocFamily & { readonly core: CoreModel } {
  const family = FAMILIES[board.flashController];
  if (family === undefined) {
    throw new UnsupportedBoardError(board.name, `flash controller '${board.flashController}'`, Object.keys(FAMILIES).sort());
  }
  const core = CORES.find((model) => model === board.cpu);
  if (core === undefined) throw new UnsupportedBoardError(board.name, `CPU '${board.cpu}'`, CORES);
  return { ...family, core };
}
