/**
 * Every binary mutant of the C bootloader (images/firmware/build/*-mutant-*) is caught on the CPU-level device by
 * the suite named for it: the run fails (exit 1) naming the invariant, and the replay line it prints reproduces
 * the failure alone. A bounded subset: the case that catches each mutant (`--only`), found by the full suite runs
 * with a binary's default points, `systematic:8` (README, "Binary mutants"); `npx tsx scripts/cpu-mutants.ts` runs
 * each named suite whole at seeds 1, 2 and 3 (about 25 minutes on one worker).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './cli-helpers.ts';

interface Catch {
  readonly mutant: string;
  readonly board: string;
  readonly suite: string;
  readonly only: string;
  readonly seed: number;
  readonly invariant: RegExp;
}

const build = (name: string, ext: string): string => join('images', 'firmware', 'build', `${name}.${ext}`);

const CAUGHT: readonly Catch[] = [
  { mutant: 'nrf52840dk-swap-move-mutant-no-progress', board: 'nrf52840dk', suite: 'power-loss', only: 'upgrade/install/op4217/not-started', seed: 1, invariant: /no-brick: after the cut at op 4217 the device settled on 'halt'; expected 'new'/ },
  { mutant: 'nrf52840dk-swap-move-mutant-swap-state-in-ram', board: 'nrf52840dk', suite: 'power-loss', only: 'upgrade/install/op4221/not-started', seed: 1, invariant: /no-brick: after the cut at op 4221 the device settled on 'halt'; expected 'new'/ },
  { mutant: 'nrf52840dk-swap-move-mutant-primary-not-validated', board: 'nrf52840dk', suite: 'bit-rot', only: 'running-before-first-boot/1bit-s1/clean', seed: 1, invariant: /safety: boot 1: image 0 primary slot \(0xc000\) ran an invalid image: SHA256 TLV does not match/ },
  // The enumerated TLV faults catch it at every seed: a signature entry whose length runs past the TLV area.
  { mutant: 'nrf52840dk-swap-move-mutant-tlv-length-trusted', board: 'nrf52840dk', suite: 'corrupt-image', only: 'secondary/tlv3-ecdsasig-length-too-large/clean', seed: 1, invariant: /safety: boot 1: image 0 primary slot \(0xc000\) ran 'new', which is not valid under the trust policy/ },
  { mutant: 'nrf52840dk-overwrite-only-mutant-erase-before-validate', board: 'nrf52840dk', suite: 'corrupt-image', only: 'flip-header/clean', seed: 1, invariant: /no-brick: without faults the device settled on 'halt'; expected 'old'/ },
  { mutant: 'nrf52840dk-swap-move-counter-mutant-counter-on-test-boot', board: 'nrf52840dk', suite: 'rollback', only: 'counter-after-confirm/install/op109/not-started', seed: 1, invariant: /no-rollback: boot 1 after the cut: the hardware counter of image 0 is 2, past 1, the highest of any confirmed image/ },
  { mutant: 'nucleo_l552ze_q-overwrite-only-mutant-dependencies-unprotected', board: 'nucleo_l552ze_q', suite: 'multi-image', only: 'dependency-unmet/clean', seed: 1, invariant: /convergence: without faults the device settled on 'new0\+new1'; expected 'old0\+old1'/ },
  // The magic of the application's request torn after its first word: MCUboot reads BAD and stays on the old image.
  // (Seeds 2 and 3 catch both the same way, at the same case; the test runs seed 1 to stay within the CI budget.)
  { mutant: 'nrf52840dk-swap-move-mutant-torn-magic', board: 'nrf52840dk', suite: 'power-loss', only: 'upgrade/request/op106/torn-u1-ones', seed: 1, invariant: /convergence: after the cut at op 106 the device settled on 'new'; expected 'old'/ },
  { mutant: 'nrf52840dk-swap-move-mutant-revert-without-validation', board: 'nrf52840dk', suite: 'bit-rot', only: 'revert-source-on-trial/1bit-s1/clean', seed: 1, invariant: /no-brick: without faults the device settled on 'halt'; expected 'new'/ },
  { mutant: 'nucleo_l552ze_q-swap-move-mutant-ecc-rewrite', board: 'nucleo_l552ze_q', suite: 'power-loss', only: 'permanent/clean', seed: 1, invariant: /no-brick: without faults the device settled on 'halt'; expected 'new'/ },
];

/** The replay line of the first failure, as printed, split into the CLI's arguments (no argument needs quotes here). */
function replayArgs(stdout: string): string[] {
  const line = stdout.split('\n').find((l) => l.trim().startsWith('replay: npx bootproof '));
  if (line === undefined) throw new Error(`no replay line in:\n${stdout}`);
  return line.trim().slice('replay: npx bootproof '.length).split(' ');
}

describe('binary mutants fail on the CPU-level device, naming the invariant, with a replay line that reproduces it', () => {
  it.each(CAUGHT.map((c) => [`${c.mutant} by ${c.suite} (seed ${c.seed})`, c] as const))('%s', async (_, c) => {
    const name = `bootloader-${c.mutant}`;
    const bootloader = ['--bootloader', build(name, 'elf'), '--bootloader-config', build(name, 'json')];
    const result = await cli('run', c.suite, '--board', c.board, ...bootloader, '--only', c.only, '--seed', String(c.seed), '--jobs', '0');
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toMatch(c.invariant);
    const replay = replayArgs(result.stdout);
    expect(replay).toEqual(['run', c.suite, '--board', c.board, ...bootloader, '--only', c.only, '--seed', String(c.seed)]);
    const again = await cli(...replay, '--jobs', '0');
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(c.invariant);
  }, 240_000);
});
