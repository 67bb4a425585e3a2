/**
 * Interop with MCUboot's own imgtool v2.4.0: every entry of ../shared/interop/manifest.json (FORMATS.md §7), read in
 * place — MCUboot's test keys are not ours to copy. Without that folder these tests are skipped, saying why.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../harness/cli/main.ts';
import {
  fromIntelHex,
  type HashAlgorithm,
  inspectImage,
  loadPublicKey,
  parseImage,
  SIGNATURE_TLV,
  type VerifyReason,
  verifyImage,
} from './index.ts';

const fixtures = fileURLToPath(new URL('../../shared/interop/', import.meta.url));
const present = existsSync(join(fixtures, 'manifest.json'));

interface ManifestTlv {
  type: number;
  name: string;
  len: number;
  data_hex: string;
}
interface VerifyRecord {
  result: string;
  exit_code: number;
  digest: string | null;
}
interface Entry {
  id: string;
  kind: 'signed' | 'broken' | 'verify-case';
  file: string;
  command: string | null;
  key: string | null;
  key_type: string | null;
  payload: string;
  file_size: number;
  expected_mcuboot?: string;
  verify: VerifyRecord;
  verify_without_key: VerifyRecord;
  parsed: {
    header: Record<string, string | number | string[]>;
    layout: {
      tlv_area_offset: number;
      protected_tlv_info: { offset: number; magic: string; tlv_tot: number } | null;
      tlv_info: { offset: number; magic: string; tlv_tot: number };
      image_end_offset: number;
    };
    tlvs_protected: ManifestTlv[];
    tlvs: ManifestTlv[];
    trailer_as_parsed_by_dumpinfo?: Record<string, string>;
  };
}

/**
 * imgtool's verdicts, and the loader checks that give the same verdict in bootproof's words. Generic, so a second
 * fixture set with the same manifest schema runs unchanged.
 */
const REASONS_FOR: Record<string, readonly VerifyReason[]> = {
  INVALID_MAGIC: ['bad-header'],
  INVALID_TLV_INFO_MAGIC: ['bad-tlv-area'],
  INVALID_HASH: ['hash-mismatch', 'hash-missing', 'hash-length'],
  // "No signature found for the given key": a broken signature, a signature by a key the KEYHASH does not name,
  // or an area cut short.
  INVALID_SIGNATURE: ['signature-invalid', 'signature-missing', 'key-not-trusted', 'bad-tlv-area'],
  // The key type does not allow the image's hash: a loader built for that key looks for another hash TLV.
  KEY_MISMATCH: ['hash-missing', 'key-tlv-length', 'key-not-trusted'],
  // imgtool crashed (a Python traceback on a malformed image): any refusal.
  ERROR: ['bad-header', 'bad-tlv-area', 'too-large', 'hash-mismatch', 'hash-missing', 'hash-length', 'key-tlv-length'],
};

/**
 * Where bootproof is stricter than imgtool, because it follows the MCUboot loader (FORMATS.md §1.8, §5, §7):
 * imgtool says OK, bootproof must refuse.
 */
function stricterReasons(entry: Entry, withKey: boolean): readonly VerifyReason[] | undefined {
  // imgtool verify never looks at KEYHASH/PUBKEY; the loader finds no embedded key with that hash and ignores the
  // signature (s94; the manifest says so in expected_mcuboot).
  if (withKey && entry.expected_mcuboot?.startsWith('reject') === true) {
    return ['key-not-trusted', 'signature-missing', 'signature-invalid'];
  }
  // A file that ends inside its TLV area (s93): without a key imgtool stops at the intact hash TLV; the loader's TLV
  // iterator refuses the entry that runs past the end of the image.
  if (entry.file_size < entry.parsed.layout.image_end_offset) return ['bad-tlv-area'];
  return undefined;
}

/** The exact reason for the shared set's broken entries. */
const EXACT_REASON: Record<string, VerifyReason> = {
  's90-flip-payload': 'hash-mismatch',
  's91-flip-signature-tlv': 'signature-invalid',
  's92-flip-header-version': 'hash-mismatch',
  's93-truncated': 'bad-tlv-area',
  's94-flip-keyhash': 'key-not-trusted',
  // The P-256 key's hash is not the RSA-3072 KEYHASH of the image: no trusted key, no signature checked.
  's95-wrong-key-ecdsa-on-rsa3072': 'key-not-trusted',
  // imgtool's KEY_MISMATCH; a loader built for P-384 looks for a SHA384 TLV and the image has SHA256.
  's96-wrong-key-p384-on-p256': 'hash-missing',
};

if (!present) {
  describe('imgtool interop', () => {
    it.skip(`skipped: no fixtures at ${fixtures} (CI always has ../shared/interop)`, () => {});
  });
} else {
  const manifest = JSON.parse(readFileSync(join(fixtures, 'manifest.json'), 'utf8')) as { entries: Entry[] };
  const entries = manifest.entries;
  const read = (name: string): Uint8Array => new Uint8Array(readFileSync(join(fixtures, name)));
  /** An image file as bytes: Intel HEX (`*.hex`, as imgtool decides) is decoded from its lowest address. */
  const readImage = (path: string): Uint8Array =>
    extname(path) === '.hex' ? fromIntelHex(readFileSync(path, 'utf8')).bytes : new Uint8Array(readFileSync(path));
  const scratch = mkdtempSync(join(tmpdir(), 'bootproof-interop-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** The hash a loader built for this key type uses (the image's own for pure Ed25519). */
  const buildHash = (entry: Entry): HashAlgorithm =>
    isPure(entry) ? 'sha512' : entry.key_type === 'ecdsa-p384' ? 'sha384' : 'sha256';
  const imageHash = (entry: Entry): HashAlgorithm =>
    `sha${entry.parsed.tlvs.find((t) => /^SHA\d+$/.test(t.name))!.name.slice(3)}` as HashAlgorithm;
  const isPure = (entry: Entry): boolean => entry.parsed.tlvs.some((t) => t.name === 'SIG_PURE');

  describe('inspect equals imgtool dumpinfo', () => {
    it.each(entries.map((e) => [e.id, e] as const))('%s', (_id, entry) => {
      const d = inspectImage(readImage(join(fixtures, entry.file)));
      const h = entry.parsed.header;
      expect(d.header).toEqual({
        magic: h.magic,
        loadAddr: Number(h.load_addr),
        hdrSize: h.hdr_size,
        protectedTlvSize: h.protected_tlv_size,
        imgSize: h.img_size,
        flags: h.flags,
        flagNames: h.flag_names,
        version: h.version,
      });
      const layout = entry.parsed.layout;
      const area = (info: typeof layout.tlv_info | null) =>
        info === null ? undefined : { offset: info.offset, magic: info.magic, tlvTot: info.tlv_tot };
      expect(d.layout).toEqual({
        tlvAreaOffset: layout.tlv_area_offset,
        protectedTlvInfo: area(layout.protected_tlv_info),
        tlvInfo: area(layout.tlv_info),
        imageEndOffset: layout.image_end_offset,
      });
      const tlvs = (list: ManifestTlv[]) => list.map((t) => ({ type: t.type, name: t.name, len: t.len }));
      expect(d.protectedTlvs.map((t) => ({ type: t.type, name: t.name, len: t.len }))).toEqual(tlvs(entry.parsed.tlvs_protected));
      expect(d.tlvs.map((t) => ({ type: t.type, name: t.name, len: t.len }))).toEqual(tlvs(entry.parsed.tlvs));
      // A truncated file holds only a prefix of the last value; dumpinfo shows the same prefix.
      [...d.protectedTlvs, ...d.tlvs].forEach((tlv, i) => {
        const expected = [...entry.parsed.tlvs_protected, ...entry.parsed.tlvs][i].data_hex;
        expect(expected.startsWith(tlv.dataHex)).toBe(true);
      });
      const trailer = entry.parsed.trailer_as_parsed_by_dumpinfo;
      if (trailer === undefined) {
        expect(d.trailer).toBeUndefined();
      } else {
        expect(d.trailer?.magic).toBe(trailer.magic);
        const fields = { image_ok: d.trailer?.imageOk, copy_done: d.trailer?.copyDone, swap_info: d.trailer?.swapInfo, swap_size: d.trailer?.swapSize };
        for (const [name, value] of Object.entries(fields)) {
          expect(value, name).toBe(trailer[name] === undefined ? undefined : Number(trailer[name]));
        }
      }
    });
  });

  describe('verify matches imgtool, or is stricter as the MCUboot loader is', () => {
    it.each(entries.map((e) => [e.id, e] as const))('%s', (id, entry) => {
      const bytes = readImage(join(fixtures, entry.file));
      // With a key: a loader built for that key type. Without: hash only, in the image's own hash algorithm.
      const runs = [
        { record: entry.verify, keys: entry.key === null ? [] : [loadPublicKey(read(entry.key))], hash: buildHash(entry), withKey: true },
        { record: entry.verify_without_key, keys: [], hash: imageHash(entry), withKey: false },
      ];
      for (const run of runs) {
        const result = verifyImage(bytes, { keys: run.keys, hash: run.hash, pure: isPure(entry) });
        const stricter = run.record.result === 'OK' ? stricterReasons(entry, run.withKey && entry.key !== null) : undefined;
        if (run.record.result === 'OK' && stricter === undefined) {
          expect({ valid: result.valid, reason: result.reason, message: result.message }).toMatchObject({ valid: true });
          if (run.record.digest !== null && !isPure(entry)) {
            expect(Buffer.from(result.digest!).toString('hex')).toBe(run.record.digest);
          }
          continue;
        }
        expect(result.valid).toBe(false);
        expect(stricter ?? REASONS_FOR[run.record.result]).toContain(result.reason);
        if (run.withKey && EXACT_REASON[id] !== undefined) expect(result.reason).toBe(EXACT_REASON[id]);
      }
    });

    it('the pure Ed25519 digest equals the SHA512 TLV imgtool wrote', () => {
      const entry = entries.find((e) => isPure(e))!;
      const result = verifyImage(readImage(join(fixtures, entry.file)), { keys: [loadPublicKey(read(entry.key!))], pure: true });
      expect(result.valid).toBe(true);
      expect(Buffer.from(result.digest!).toString('hex')).toBe(entry.parsed.tlvs.find((t) => t.name === 'SHA512')!.data_hex);
    });
  });

  describe('bootproof image verify exits as imgtool verify does, or 1 where the loader is stricter', () => {
    it.each(entries.map((e) => [e.id, e] as const))('%s', async (_id, entry) => {
      const keyArgs = entry.key === null ? [] : ['-k', join(fixtures, entry.key)];
      const quiet = [vi.spyOn(process.stdout, 'write'), vi.spyOn(process.stderr, 'write')].map((s) => s.mockImplementation(() => true));
      const code = await main(['node', 'bootproof', 'image', 'verify', ...keyArgs, join(fixtures, entry.file)]);
      for (const spy of quiet) spy.mockRestore();
      expect(code).toBe(stricterReasons(entry, entry.key !== null) === undefined ? entry.verify.exit_code : 1);
    });
  });

  describe('re-signing with the same key and options reproduces imgtool', () => {
    const signed = entries.filter((e) => e.kind === 'signed' && e.command !== null);
    it.each(signed.map((e) => [e.id, e] as const))('%s', async (id, entry) => {
      const output = join(scratch, `${id}${extname(entry.file)}`);
      const sigOut = join(scratch, `${id}.sig.b64`);
      const argv = imgtoolArguments(entry, output, sigOut);
      const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      const code = await main(['node', 'bootproof', 'image', 'sign', ...argv]);
      write.mockRestore();
      expect(code).toBe(0);
      const ours = readImage(output);
      const theirs = readImage(join(fixtures, entry.file));
      const randomized = entry.key_type !== null && !['ed25519'].includes(entry.key_type);
      if (!randomized) {
        expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
      } else {
        expectSameExceptSignature(ours, theirs);
        const key = loadPublicKey(read(entry.key!));
        expect(verifyImage(ours, { keys: [key], hash: buildHash(entry) }).valid).toBe(true);
      }
      if (argv.includes('--sig-out')) {
        expect(readFileSync(sigOut, 'utf8').trim()).toBe(readFileSync(join(fixtures, `${id}.sig.b64`), 'utf8').trim());
      }
    });
  });

  /** The manifest's command line, with fixture files resolved in place and the outputs sent to a scratch folder. */
  function imgtoolArguments(entry: Entry, output: string, sigOut: string): string[] {
    const tokens = entry.command!.match(/\([^)]*\)|\S+/g)!.slice(2);
    return tokens.map((token, i) => {
      if (i === tokens.length - 1) return output;
      if (tokens[i - 1] === '--sig-out') return sigOut;
      if (token === entry.key || token === entry.payload) return join(fixtures, token);
      return token;
    });
  }

  /**
   * ECDSA (random k) and RSA-PSS (random salt) signatures differ per run: everything else must match — the hashed
   * bytes, every other TLV, the padding and the trailer.
   */
  function expectSameExceptSignature(ours: Uint8Array, theirs: Uint8Array): void {
    const a = parseImage(ours);
    const b = parseImage(theirs);
    expect(a.hashedLength).toBe(b.hashedLength);
    expect(Buffer.from(ours.subarray(0, a.hashedLength)).equals(Buffer.from(theirs.subarray(0, b.hashedLength)))).toBe(true);
    const signatureTypes = new Set(Object.values(SIGNATURE_TLV));
    const others = (tlvs: typeof a.tlvs) => tlvs.filter((t) => !signatureTypes.has(t.type)).map((t) => [t.type, Buffer.from(t.value).toString('hex')]);
    expect(others(a.tlvs)).toEqual(others(b.tlvs));
    expect(a.tlvs.map((t) => t.type)).toEqual(b.tlvs.map((t) => t.type));
    if (theirs.length > b.end) {
      expect(ours.length).toBe(theirs.length);
      const tail = Math.min(ours.length - a.end, theirs.length - b.end);
      expect(Buffer.from(ours.subarray(ours.length - tail)).equals(Buffer.from(theirs.subarray(theirs.length - tail)))).toBe(true);
    }
  }
}
