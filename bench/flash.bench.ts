/**
 * Flash model speed: program and erase operations per second, and snapshot + restore cost for 1 MiB and 2 MiB
 * flashes, against a naive whole-array copy measured in the same run (the baseline a COW snapshot must beat).
 */
import { NorFlash } from '../emulator/flash/index.ts';
import type { FlashGeometry } from '../emulator/flash/types.ts';

export const title = 'flash model: ops/s, snapshot and restore';

function geometry(sizeKiB: number, sectorKiB: number, writeUnit: number): FlashGeometry {
  return {
    sectors: Array((sizeKiB / sectorKiB) | 0).fill(sectorKiB * 1024),
    writeUnit,
    erasedValue: 0xff,
    programRule: writeUnit >= 8 ? 'ecc' : 'and',
    eraseTimeUs: 85_000,
    programTimeUs: 41,
    endurance: 10_000,
  };
}

function perSecond(count: number, ns: bigint): number {
  return count / (Number(ns) / 1e9);
}

function timeIt(iterations: number, body: (i: number) => void): bigint {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) body(i);
  return process.hrtime.bigint() - start;
}

export function run(): void {
  const flash = new NorFlash(geometry(1024, 4, 4), { journal: false });
  const page = new Uint8Array(256).fill(0x5a);
  const programs = 200_000;
  const programNs = timeIt(programs, (i) => {
    const offset = (i * 256) % flash.size;
    if (offset % 4096 === 0) flash.erase(offset);
    flash.program(offset, page);
  });
  const erases = 20_000;
  const eraseNs = timeIt(erases, (i) => flash.erase((i * 4096) % flash.size));
  console.log(`program (256 B, 4-byte units, nRF52-like): ${perSecond(programs, programNs).toFixed(0)} ops/s`);
  console.log(`erase (4 KiB sector):                       ${perSecond(erases, eraseNs).toFixed(0)} ops/s`);

  for (const [sizeKiB, sectorKiB] of [
    [1024, 4],
    [2048, 128],
  ]) {
    const f = new NorFlash(geometry(sizeKiB, sectorKiB, 8));
    for (let offset = 0; offset < f.size; offset += sectorKiB * 1024) f.program(offset, new Uint8Array(64));
    const rounds = 20_000;
    let snap = f.snapshot();
    // A sweep's pattern: restore, dirty a couple of sectors (the fault point's work), restore again.
    const forkNs = timeIt(rounds, (i) => {
      f.restore(snap);
      f.erase(((i * 3) % f.geometry.sectors.length) * sectorKiB * 1024);
      if (i % 1000 === 0) snap = f.snapshot();
    });
    const snapNs = timeIt(rounds, () => {
      snap = f.snapshot();
    });
    const restoreNs = timeIt(rounds, () => f.restore(snap));
    const naiveRounds = 200;
    let sink = 0;
    const whole = new Uint8Array(f.size);
    const naiveNs = timeIt(naiveRounds, () => {
      const copy = whole.slice();
      sink += copy[0];
    });
    const forkUs = Number(forkNs) / rounds / 1000;
    const naiveUs = Number(naiveNs) / naiveRounds / 1000 + sink * 0;
    console.log(
      `${sizeKiB / 1024} MiB (${sectorKiB} KiB sectors, ECC): snapshot ${(Number(snapNs) / rounds / 1000).toFixed(2)} µs, ` +
        `restore ${(Number(restoreNs) / rounds / 1000).toFixed(2)} µs, restore + one sector erase ${forkUs.toFixed(2)} µs; ` +
        `naive full copy ${naiveUs.toFixed(1)} µs; ratio ${(naiveUs / forkUs).toFixed(1)}x faster`,
    );
  }
}
