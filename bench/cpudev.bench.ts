/**
 * The CPU-level device on the reference C bootloader binary (swap-move, ECDSA P-256, validating the primary at
 * every boot) on nrf52840dk, power-loss suite, upgrade scenario: the cost of one cut case (fork at the cut,
 * recovery boot, next boots, oracle), the share of the boots spent in signature verification (PC samples by
 * function symbol), and the baseline a sweep would otherwise pay: replaying the interrupted action from its start
 * up to the cut before the same recovery.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Board } from '../boards/index.ts';
import type { NorFlash } from '../emulator/flash/index.ts';
import { Machine } from '../emulator/soc/index.ts';
import { buildRunContext } from '../harness/context.ts';
import type { CpuBootloader } from '../harness/cpu-device/cpu-bootloader.ts';
import { type RecordedAction, ScenarioExecutor } from '../harness/executor.ts';

export const title = 'CPU-level device: one cut case on the C bootloader binary (nrf52840dk swap-move, P-256) vs replaying to the cut';

const BUILD = fileURLToPath(new URL('../images/firmware/build/', import.meta.url));
const NAME = 'bootloader-nrf52840dk-swap-move';
const CASES = 24;
/** Function symbols of the signature check (p256.c, bn256.c) and of the hash (sha256.c), for the PC samples. */
const SIGNATURE = /^(bn_|p256_|point_|reduce|halve_mod|der_integer|decode_public_key|read_le|uniform)/;
const HASH = /^(sha256_|compress$)/;

export async function run(): Promise<void> {
  const ctx = await buildRunContext({
    suites: ['power-loss'],
    board: 'nrf52840dk',
    bootloader: `${BUILD}${NAME}.elf`,
    bootloaderConfig: `${BUILD}${NAME}.json`,
    seed: 1,
    jobs: 0,
  });
  const scenario = ctx.suites[0]!.suite.scenarios(ctx.suiteContext).find((s) => s.id === 'upgrade')!;
  // The run's source hands out its one instance, so its instruction count is every boot's; an instance given to
  // the executor would be copied at every power-on and count nothing.
  const bootloader = ctx.bootloader.create() as CpuBootloader;
  const executor = new ScenarioExecutor(scenario, { board: ctx.board, bootloader: ctx.bootloader, seed: 1, clockChecks: false });
  const recordStart = performance.now();
  const { actions } = executor.record();
  const recordMs = performance.now() - recordStart;
  const ops = actions.flatMap((action) => range(action.opStart, action.opEnd).map((op) => ({ action, op })));
  const picked = range(0, CASES).map((i) => ops[Math.floor(((i + 0.5) * ops.length) / CASES)]!);
  console.log(`recording (fault-free run, ${actions.length} actions, ${ops.length} flash operations): ${(recordMs / 1000).toFixed(2)} s`);

  let failed = 0;
  let boots = 0;
  const instructionsBefore = bootloader.instructions;
  const caseMs = timed(() => {
    for (const [i, { action, op }] of picked.entries()) {
      const outcome = executor.runCut(action, op, i % 2 === 0 ? 'torn' : 'not-started', 1000 + i);
      if (outcome.violations.length > 0) failed++;
      boots += outcome.boots;
    }
  }) / picked.length;
  const perCase = (bootloader.instructions - instructionsBefore) / picked.length;
  console.log(`per case: ${(boots / picked.length).toFixed(1)} boots, ${(perCase / 1e6).toFixed(1)} M instructions (${((perCase / caseMs) / 1000).toFixed(0)} M instructions/s)`);
  const replayMs = timed(() => {
    for (const { action, op } of picked) replayToCut(executor, action, op);
  }) / picked.length;
  const share = verificationShare(ctx.board, executor.device.flash);
  console.log(`one cut case (fork at the cut, recovery and next boots, oracle): ${caseMs.toFixed(0)} ms average over ${picked.length} cases (${failed} failed); goal ≤ 150 ms: ${caseMs <= 150 ? 'met' : 'missed'}`);
  console.log(
    `share of a boot in signature verification: ${(share.signature * 100).toFixed(0)} %, in SHA-256: ${(share.hash * 100).toFixed(0)} % (${share.samples} PC samples)`,
  );
  console.log(
    `replaying the interrupted action from its start to the cut: ${replayMs.toFixed(0)} ms more per case; ` +
      `replay + recovery = ${((caseMs + replayMs) / caseMs).toFixed(2)}x the forked case`,
  );
}

/** What a case without a fork pays before its recovery: the action re-run from its snapshot until the cut lands. */
function replayToCut(executor: ScenarioExecutor, action: RecordedAction, op: number): void {
  executor.device.restore(action.before);
  executor.device.armCut({ kind: 'op', atOp: op, outcome: 'not-started', seed: 1 });
  try {
    action.perform();
  } catch {
    // the cut (or the harness's signal for it) ends the replay
  }
  executor.device.flash.disarmPowerCut();
}

/** Boots the binary once from the flash as the last case left it, sampling the PC every 1000 instructions. */
function verificationShare(board: Board, flash: NorFlash): { signature: number; hash: number; samples: number } {
  const symbols = functionSymbols(readFileSync(`${BUILD}${NAME}.elf`));
  const machine = new Machine(board, { flash });
  const slot = board.memory.flash.base + board.partitions.images[0]!.primary.offset;
  let signature = 0;
  let hash = 0;
  let samples = 0;
  for (let i = 0; i < 200_000; i++) {
    const result = machine.run(1000);
    const symbol = symbols.find((s) => machine.cpu.pc >= s.start && machine.cpu.pc < s.end);
    samples++;
    if (symbol && SIGNATURE.test(symbol.name)) signature++;
    if (symbol && HASH.test(symbol.name)) hash++;
    if (result.reason !== 'budget' || machine.cpu.pc >= slot) break;
  }
  return { signature: signature / samples, hash: hash / samples, samples };
}

function functionSymbols(elf: Uint8Array): { name: string; start: number; end: number }[] {
  const view = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const shoff = view.getUint32(32, true);
  const shentsize = view.getUint16(46, true);
  const shnum = view.getUint16(48, true);
  const section = (i: number) => ({
    type: view.getUint32(shoff + i * shentsize + 4, true),
    offset: view.getUint32(shoff + i * shentsize + 16, true),
    size: view.getUint32(shoff + i * shentsize + 20, true),
    link: view.getUint32(shoff + i * shentsize + 24, true),
  });
  const symbols: { name: string; start: number; end: number }[] = [];
  for (let i = 0; i < shnum; i++) {
    const symtab = section(i);
    if (symtab.type !== 2) continue;
    const strtab = section(symtab.link);
    for (let at = symtab.offset; at < symtab.offset + symtab.size; at += 16) {
      if ((elf[at + 12]! & 0xf) !== 2) continue;
      const nameAt = strtab.offset + view.getUint32(at, true);
      const name = Buffer.from(elf.subarray(nameAt, elf.indexOf(0, nameAt))).toString('latin1');
      const start = view.getUint32(at + 4, true) & ~1;
      symbols.push({ name, start, end: start + view.getUint32(at + 8, true) });
    }
  }
  return symbols;
}

function timed(action: () => void): number {
  const start = performance.now();
  action();
  return performance.now() - start;
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
