/**
 * Runs random command lines through the CLI in this process, one after another, and prints one JSON line per
 * case: its arguments, exit code, whether stderr held a stack trace, its time and the peak memory so far. Spawned
 * by cli-fuzz.test.ts with a wall-clock limit, so a hang or a runaway allocation fails the test instead of CI.
 * Usage: node --import tsx test/fuzz/cli-fuzz-driver.ts <seed> <cases> <dir>
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Prng } from '../../emulator/common/prng.ts';
import { main } from '../../harness/cli/main.ts';
import { toIntelHex } from '../../images/index.ts';

const [seedText, countText, dir] = process.argv.slice(2);
const prng = new Prng(`cli-fuzz|${seedText}`);
const pick = <T>(items: readonly T[]): T => items[prng.below(items.length)]!;
const REPO = new URL('../../', import.meta.url).pathname;
const BOARD = JSON.parse(readFileSync(join(REPO, 'boards/nrf52840dk.json'), 'utf8'));

const HOSTILE_NAMES = ['a b.bin', 'new\nline.hex', '-dash.bin', 'ünï.json', '..', '', 'x'.repeat(300), 'Bail out! all good.bin', '%s%n.hex'];

/** A file of one of the kinds the CLI reads, random or mutated from a good one. Returns its path. */
function randomFile(index: number): string {
  const kind = pick(['bin', 'hex', 'elf', 'board', 'json', 'pem', 'name']);
  const base = join(dir!, `f${index}`);
  if (kind === 'hex') {
    const segments = Array.from({ length: 1 + prng.below(3) }, () => ({ address: pick([0, 0xc000, 0xfffffff0, prng.nextU32()]) >>> 0, bytes: prng.bytes(1 + prng.below(64)) }));
    let text = (() => {
      try {
        return toIntelHex(segments.filter((s) => s.address + s.bytes.length <= 0x1_0000_0000));
      } catch {
        return ':00000001FF\n';
      }
    })();
    if (prng.below(2) === 0) text = mutateText(text);
    writeFileSync(`${base}.hex`, text);
    return `${base}.hex`;
  }
  if (kind === 'elf') {
    const bytes = prng.bytes(52 + prng.below(400));
    bytes.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1], 0);
    bytes[18] = 40;
    writeFileSync(`${base}.elf`, bytes);
    return `${base}.elf`;
  }
  if (kind === 'board' || kind === 'json') {
    const board = structuredClone(BOARD);
    for (let i = 0; i < 1 + prng.below(3); i++) mutateJson(board);
    let text = JSON.stringify(board, null, 2);
    if (kind === 'json' || prng.below(4) === 0) text = mutateText(text);
    writeFileSync(`${base}.json`, text);
    return `${base}.json`;
  }
  if (kind === 'pem') {
    writeFileSync(`${base}.pem`, `-----BEGIN ${pick(['PUBLIC KEY', 'PRIVATE KEY', 'CERTIFICATE', 'EC PRIVATE KEY'])}-----\n${Buffer.from(prng.bytes(prng.below(200))).toString('base64')}\n-----END PUBLIC KEY-----\n`);
    return `${base}.pem`;
  }
  if (kind === 'name') {
    const name = join(dir!, pick(HOSTILE_NAMES));
    try {
      writeFileSync(name, prng.bytes(prng.below(100)));
    } catch {
      // A name that cannot be a file (`..`, empty) is still a fine argument.
    }
    return name;
  }
  const bytes = prng.bytes(prng.below(2048));
  if (bytes.length >= 4 && prng.below(2) === 0) bytes.set([0x3d, 0xb8, 0xf3, 0x96], 0);
  writeFileSync(`${base}.bin`, bytes);
  return `${base}.bin`;
}

const NUMBERS = ['0', '-1', '1', '0x0', '0xffffffff', '4294967296', '1e308', 'NaN', '99999999999999999999', 'abc', '', '1/0', '0/0', '3/2', '1000/1000', 'random:0', 'random:-1', 'random:1', 'all', 'interesting'];

function mutateJson(node: Record<string, unknown>): void {
  const keys = Object.keys(node);
  if (keys.length === 0) return;
  const key = pick(keys);
  const value = node[key];
  if (value !== null && typeof value === 'object' && prng.below(3) !== 0) mutateJson(value as Record<string, unknown>);
  else
    node[key] = pick([0, -1, 1e308, 5e-324, 0xffffffff, 1_000_000_000, '0xffffffff', '', null, [], {}, 'toString', '__proto__', true, 4096]);
}

function mutateText(text: string): string {
  const at = prng.below(text.length + 1);
  return pick([
    () => text.slice(0, at),
    () => `${text.slice(0, at)}${String.fromCharCode(prng.below(128))}${text.slice(at)}`,
    () => `\ufeff${text}`,
    () => text.replaceAll('\n', '\r\n'),
    () => `${text}${text}`,
  ])();
}

const COMMANDS: (() => string[])[] = [
  () => ['image', 'verify', randomFile(0), ...flags(['-k', '-S', '--sha', '--max-image-size', '--min-security-counter', '--json'])],
  () => ['image', 'inspect', randomFile(0), ...flags(['--json'])],
  () => ['image', 'sign', ...flags(['-k', '-H', '-S', '-v', '--pad-header', '--pad', '-x', '--sha', '--pure', '--confirm']), randomFile(0), join(dir!, `out${prng.below(3)}.${pick(['bin', 'hex'])}`)],
  () => ['image', 'corrupt', '-m', pick(['swap-hash', 'grow-past-slot', 'truncate', 'flip-payload', 'wrong-key-resign', 'nope']), ...flags(['--other', '-S', '--offset', '--seed']), randomFile(0), join(dir!, 'corrupt.bin')],
  () => ['run', pick(['power-loss', 'revert', 'nope', 'all', randomFile(0)]), '--board', pick(['nrf52840dk', 'toString', randomFile(1)]), '--jobs', '0', '--points', 'random:1', ...flags(['--shard', '--seed', '--only', '--junit', '--json', '--strategy', '--case-timeout', '--image-from', '--image-to', '--key', '--board-id', '--lab'])],
  () => ['gate', '--board', pick(['nrf52840dk', randomFile(1)]), '--from', randomFile(2), '--to', randomFile(3), '--key', randomFile(4), '--jobs', '0', ...flags(['--shard', '--junit'])],
  () => ['emulate', '--board', pick(['nrf52840dk', 'stm32f429zi', randomFile(1)]), '--max-instructions', pick(['1000', '100000', '0', '-5']), randomFile(0)],
  () => ['merge', randomFile(0), randomFile(1)],
  () => ['board', pick(['show', 'nope']), pick(['nrf52840dk', '__proto__', randomFile(0)])],
  () => Array.from({ length: prng.below(6) }, () => pick(['--', '-', '--help', 'run', 'image', '--board', 'x', '--jobs', '\u0000', ...NUMBERS])),
];

/** Some of the given flags, each with a random value: a number, a file, or a hostile word. */
function flags(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    if (prng.below(3) !== 0) continue;
    out.push(name, pick([() => pick(NUMBERS), () => randomFile(10 + out.length), () => pick(HOSTILE_NAMES)])());
  }
  return out;
}

const write = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
for (let index = 0; index < Number(countText); index++) {
  const argv = pick(COMMANDS)();
  write.out(`${JSON.stringify({ start: index, argv })}\n`);
  let stderr = '';
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  process.exitCode = undefined;
  const started = performance.now();
  let code: number;
  try {
    code = await main(['node', 'bootproof', ...argv]);
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
  const ms = performance.now() - started;
  const stack = /internal error|^\s+at .+:\d+:\d+\)?$/m.test(stderr);
  write.out(`${JSON.stringify({ index, argv, code, stack, stderr: stderr.slice(0, 600), ms, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
}
process.exitCode = 0;
