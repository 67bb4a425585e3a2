/** `bootproof image sign`: imgtool's `sign` with its option names, writing binary or Intel HEX. */
import type { Command } from 'commander';
import { UsageError } from '../../emulator/common/errors.ts';
import {
  classUuid,
  type Dependency,
  encodeImgtoolTrailer,
  type HashAlgorithm,
  keyTypeOf,
  loadPrivateKey,
  type MaxAlign,
  parseImage,
  parseVersion,
  SIGNATURE_TLV,
  type SignOptions,
  signImage,
  vendorUuid,
} from '../../images/index.ts';
import { type HexSegment, toIntelHex } from '../../images/intel-hex.ts';
import {
  collect,
  isHexPath,
  parseNumber,
  print,
  printJson,
  readBytes,
  readImageFile,
  readPassword,
  readText,
  writeFile,
} from './image-io.ts';

interface SignCliOptions {
  key?: string;
  publicKeyFormat: string;
  version: string;
  headerSize: number;
  padHeader?: boolean;
  slotSize: number;
  pad?: boolean;
  confirm?: boolean;
  align: number;
  maxAlign?: number;
  maxSectors?: number;
  overwriteOnly?: boolean;
  securityCounter?: string;
  dependencies?: string;
  bootRecord?: string;
  customTlv: string[];
  customTlvFile: string[];
  test?: boolean;
  vid?: string;
  cid?: string;
  sha: string;
  pure?: boolean;
  padSig?: boolean;
  sigOut?: string;
  loadAddr?: number;
  romFixed?: number;
  hexAddr?: number;
  erasedVal: string;
  nonBootable?: boolean;
  passwordFile?: string;
  json?: boolean;
}

export function registerSignCommand(image: Command): void {
  image
    .command('sign')
    .description('Sign a firmware binary into an MCUboot image, byte-compatible with imgtool sign.')
    .argument('<files...>', 'INFILE (firmware) and OUTFILE (signed image); binary, or Intel HEX when named *.hex')
    .option('-k, --key <file>', 'private signing key PEM (omit for an unsigned, hash-only image)')
    .option('--public-key-format <format>', 'hash (KEYHASH TLV) or full (PUBKEY TLV)', 'hash')
    .requiredOption('-v, --version <version>', 'image version maj.min.rev+build')
    .requiredOption('-H, --header-size <size>', 'header size incl. padding (at least 32)', parseNumber('--header-size', 0xffff))
    .option('--pad-header', 'prepend header-size erased bytes to the input')
    .requiredOption('-S, --slot-size <size>', 'slot size: overflow check, and target of --pad', parseNumber('--slot-size'))
    .option('--pad', 'pad to the slot size and write the trailer magic')
    .option('--test', 'same as --pad: a test image, image_ok left erased')
    .option('--confirm', 'pad and set image_ok (a permanent image)')
    .option('--align <n>', 'flash write size 1, 2, 4, 8, 16 or 32', parseNumber('--align', 32), 1)
    .option('--max-align <n>', 'BOOT_MAX_ALIGN of the target: 8, 16 or 32 (default max(8, align))', parseNumber('--max-align', 32))
    .option('-M, --max-sectors <n>', 'sector count for the status area estimate (default 128)', parseNumber('--max-sectors'))
    .option('--overwrite-only', 'overwrite-only trailer estimate; never sets image_ok')
    .option('-s, --security-counter <n>', 'SEC_CNT protected TLV: a number or auto (from the version)')
    .option('-d, --dependencies <list>', 'DEPENDENCY TLVs: "(image_id, maj.min.rev+build), …"')
    .option('--boot-record <sw_type>', 'BOOT_RECORD protected TLV with this software type (at most 12 characters)')
    .option('--custom-tlv <tag> [value]', 'protected vendor TLV (imgtool: TAG VALUE; or TAG=VALUE), tag 0xa0..0xfffe, value 0x… hex or text; repeatable', collect, [])
    .option('--custom-tlv-file <tag> [file]', 'protected vendor TLV whose value is a file (TAG FILE); repeatable', collect, [])
    .option('--vid <uuid|name>', 'UUID_VID protected TLV (a name becomes a UUIDv5 in the DNS namespace)')
    .option('--cid <uuid|name>', 'UUID_CID protected TLV (a name becomes a UUIDv5 in the vendor namespace)')
    .option('--sha <bits>', 'image hash: auto, 256, 384 or 512', 'auto')
    .option('--pure', 'pure Ed25519: sign the image bytes, add SIG_PURE')
    .option('--pad-sig', 'legacy zero padding of ECDSA signatures to 72/103 bytes')
    .option('--sig-out <file>', 'also write the signature, base64')
    .option('-L, --load-addr <addr>', 'RAM load address (sets RAM_LOAD)', parseNumber('--load-addr'))
    .option('-F, --rom-fixed <addr>', 'flash address the image is linked for (sets ROM_FIXED)', parseNumber('--rom-fixed'))
    .option('-x, --hex-addr <addr>', 'base address of Intel HEX output', parseNumber('--hex-addr'))
    .option('-R, --erased-val <value>', 'erased value for padding: 0 or 0xff', '0xff')
    .option('--non-bootable', 'set the NON_BOOTABLE flag')
    .option('--password-file <file>', 'password of an encrypted key (first line of the file)')
    .option('--json', 'print the image summary as JSON')
    .action((files: string[], options: SignCliOptions, command: Command) => {
      const { infile, outfile, customTlvs } = pairTwoValueOptions(files, options, command);
      const input = readImageFile(infile);
      const signOptions = { ...toSignOptions(options), customTlvs };
      const bytes = signImage(input.bytes, signOptions);
      const parsed = parseImage(bytes);
      if (isHexPath(outfile)) {
        const base = options.hexAddr ?? (input.baseAddress === undefined ? undefined : input.baseAddress - (options.padHeader === true ? options.headerSize : 0));
        if (base === undefined) throw new UsageError('Intel HEX output needs -x/--hex-addr when the input is binary');
        writeFile(outfile, toIntelHex(hexSegments(bytes, parsed.end, base, signOptions)));
      } else {
        writeFile(outfile, bytes);
      }
      const signature = parsed.unprotectedArea.tlvs.find((t) => Object.values(SIGNATURE_TLV).includes(t.type));
      if (options.sigOut !== undefined && signature !== undefined) {
        writeFile(options.sigOut, Buffer.from(signature.value).toString('base64'));
      }
      const summary = {
        output: outfile,
        size: bytes.length,
        imageEnd: parsed.end,
        version: options.version,
        tlvs: parsed.tlvs.map((t) => ({ type: t.type, name: t.name, len: t.length, protected: t.protected })),
      };
      if (options.json === true) printJson(summary);
      else print(`signed ${infile} → ${outfile} (${bytes.length} bytes, image end 0x${parsed.end.toString(16)})`);
    });
}

/**
 * imgtool's Intel HEX writes only the image and the non-erased trailer bytes (magic, image_ok), never the erased
 * padding between them.
 */
function hexSegments(bytes: Uint8Array, end: number, base: number, options: SignOptions): HexSegment[] {
  const segments: HexSegment[] = [{ address: base, bytes: bytes.subarray(0, end) }];
  if (options.pad !== true && options.confirm !== true) return segments;
  const erased = options.erasedValue ?? 0xff;
  const trailer = encodeImgtoolTrailer({
    maxAlign: options.maxAlign ?? (Math.max(8, options.align ?? 1) as MaxAlign),
    align: options.align ?? 1,
    maxSectors: options.maxSectors,
    overwriteOnly: options.overwriteOnly,
    erasedValue: erased,
    confirm: options.confirm,
  });
  const trailerBase = base + options.slotSize - trailer.length;
  trailer.forEach((byte, i) => {
    if (byte !== erased) segments.push({ address: trailerBase + i, bytes: Uint8Array.of(byte) });
  });
  return mergeAdjacent(segments);
}

function mergeAdjacent(segments: HexSegment[]): HexSegment[] {
  const merged: HexSegment[] = [];
  for (const segment of segments) {
    const last = merged.at(-1);
    if (last !== undefined && last.address + last.bytes.length === segment.address) {
      const joined = new Uint8Array(last.bytes.length + segment.bytes.length);
      joined.set(last.bytes);
      joined.set(segment.bytes, last.bytes.length);
      merged[merged.length - 1] = { address: last.address, bytes: joined };
    } else {
      merged.push(segment);
    }
  }
  return merged;
}

function toSignOptions(options: SignCliOptions): SignOptions {
  const key =
    options.key === undefined
      ? undefined
      : loadPrivateKey(readText(options.key), { source: options.key, password: readPassword(options.passwordFile) });
  if (options.publicKeyFormat !== 'hash' && options.publicKeyFormat !== 'full') {
    throw new UsageError(`--public-key-format ${options.publicKeyFormat}: expected hash or full`);
  }
  if (options.maxAlign !== undefined && ![8, 16, 32].includes(options.maxAlign)) {
    throw new UsageError(`--max-align ${options.maxAlign}: expected 8, 16 or 32`);
  }
  if (options.erasedVal !== '0' && options.erasedVal.toLowerCase() !== '0xff') {
    throw new UsageError(`--erased-val ${options.erasedVal}: expected 0 or 0xff`);
  }
  const vid = options.vid === undefined ? undefined : vendorUuid(options.vid);
  if (options.cid !== undefined && vid === undefined) throw new UsageError('--cid needs --vid');
  return {
    key,
    publicKeyFormat: options.publicKeyFormat,
    version: parseVersion(options.version),
    headerSize: options.headerSize,
    padHeader: options.padHeader,
    slotSize: options.slotSize,
    pad: options.pad === true || options.test === true,
    confirm: options.confirm,
    align: options.align,
    maxAlign: options.maxAlign as MaxAlign | undefined,
    maxSectors: options.maxSectors,
    overwriteOnly: options.overwriteOnly,
    securityCounter: parseSecurityCounter(options.securityCounter),
    dependencies: options.dependencies === undefined ? undefined : parseDependencies(options.dependencies),
    bootRecord: options.bootRecord,
    vid,
    cid: options.cid === undefined || vid === undefined ? undefined : classUuid(options.cid, vid),
    hash: parseSha(options.sha, key === undefined ? undefined : keyTypeOf(key)),
    pure: options.pure,
    padSig: options.padSig,
    loadAddr: options.loadAddr,
    romFixed: options.romFixed,
    erasedValue: options.erasedVal === '0' ? 0 : 0xff,
    nonBootable: options.nonBootable,
  };
}

function parseSecurityCounter(text: string | undefined): number | 'auto' | undefined {
  if (text === undefined || text === 'auto') return text;
  return parseNumber('--security-counter')(text);
}

function parseSha(text: string, keyType: string | undefined): HashAlgorithm | undefined {
  if (text === 'auto') return undefined;
  if (text === '256' || text === '384' || text === '512') {
    if (keyType === 'ecdsa-p384' && text === '256') throw new UsageError('--sha 256 is not allowed with a P-384 key');
    return `sha${text}`;
  }
  throw new UsageError(`--sha ${text}: expected auto, 256, 384 or 512`);
}

/** imgtool's `-d "(1, 1.2.0+0), (2, 3.4.5+6)"`. */
export function parseDependencies(text: string): Dependency[] {
  const entries = [...text.matchAll(/\(\s*(\d+)\s*,\s*([^)\s]+)\s*\)/g)];
  const rest = text.replace(/\(\s*(\d+)\s*,\s*([^)\s]+)\s*\)/g, '').replace(/[\s,]/g, '');
  if (entries.length === 0 || rest !== '') {
    throw new UsageError(`--dependencies "${text}": expected "(image_id, maj.min.rev+build), …"`);
  }
  return entries.map((match) => {
    const imageId = Number(match[1]);
    if (imageId > 0xff) throw new UsageError(`--dependencies: image id ${imageId} exceeds 255`);
    return { imageId, version: parseVersion(match[2]) };
  });
}

/**
 * imgtool's `--custom-tlv TAG VALUE` and `--custom-tlv-file TAG FILE` take two values, which commander cannot: it
 * gives the option the tag and leaves the value among the operands. The values are found again in the argv commander
 * parsed (kept, untyped, on the root command) and taken out of the operands, leaving INFILE and OUTFILE.
 */
function pairTwoValueOptions(
  files: string[],
  options: SignCliOptions,
  command: Command,
): { infile: string; outfile: string; customTlvs: { type: number; value: Uint8Array }[] } {
  let root = command;
  while (root.parent !== null) root = root.parent;
  const argv = (root as unknown as { rawArgs?: string[] }).rawArgs ?? [];
  const operands = [...files];
  const customTlvs: { type: number; value: Uint8Array }[] = [];
  const takeValue = (option: string, tag: string): string => {
    const at = argv.findIndex((token, i) => token === option && argv[i + 1] === tag);
    const value = at < 0 ? undefined : argv[at + 2];
    const index = value === undefined ? -1 : operands.indexOf(value);
    if (value === undefined || index < 0) throw new UsageError(`${option} ${tag}: expected ${option} TAG VALUE`);
    operands.splice(index, 1);
    return value;
  };
  for (const tag of options.customTlv) {
    const split = tag.indexOf('=');
    const [name, value] = split < 0 ? [tag, takeValue('--custom-tlv', tag)] : [tag.slice(0, split), tag.slice(split + 1)];
    customTlvs.push({ type: parseNumber('--custom-tlv tag', 0xffff)(name), value: customValue(value) });
  }
  for (const tag of options.customTlvFile) {
    customTlvs.push({ type: parseNumber('--custom-tlv-file tag', 0xffff)(tag), value: readBytes(takeValue('--custom-tlv-file', tag)) });
  }
  if (operands.length !== 2) throw new UsageError(`sign needs INFILE and OUTFILE, got: ${operands.join(' ') || 'nothing'}`);
  return { infile: operands[0], outfile: operands[1], customTlvs };
}

/** imgtool's custom TLV value: `0x…` is hex bytes, anything else UTF-8 text. */
function customValue(text: string): Uint8Array {
  if (/^0x([0-9a-f]{2})+$/i.test(text)) return new Uint8Array(Buffer.from(text.slice(2), 'hex'));
  return new Uint8Array(Buffer.from(text, 'utf8'));
}
