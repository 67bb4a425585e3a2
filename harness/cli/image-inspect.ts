/** `bootproof image inspect`: what `imgtool dumpinfo` shows, as text or JSON. */
import type { Command } from 'commander';
import { type ImageDescription, inspectImage, type TlvDescription } from '../../images/inspect.ts';
import { print, printJson, readImageFile } from './image-io.ts';

export function registerInspectCommand(image: Command): void {
  image
    .command('inspect')
    .description('Show the header, TLV areas, digest and trailer of an image (like imgtool dumpinfo); never fails on bad bytes.')
    .argument('<image>', 'image (binary, or Intel HEX when named *.hex)')
    .option('--json', 'print the fields as JSON')
    .action((path: string, options: { json?: boolean }) => {
      const description = inspectImage(readImageFile(path).bytes);
      if (options.json === true) printJson(description);
      else print(describe(path, description));
    });
}

const hex = (n: number | undefined): string => (n === undefined ? '-' : `0x${n.toString(16)}`);

function describe(path: string, d: ImageDescription): string {
  const lines = [`${path} (${d.fileSize} bytes)`];
  if (d.header !== undefined) {
    const h = d.header;
    lines.push(
      'header:',
      `  magic:              ${h.magic}`,
      `  load_addr:          ${hex(h.loadAddr)}`,
      `  hdr_size:           ${hex(h.hdrSize)}`,
      `  protected_tlv_size: ${hex(h.protectedTlvSize)}`,
      `  img_size:           ${hex(h.imgSize)}`,
      `  flags:              ${h.flags}${h.flagNames.length > 0 ? ` (${h.flagNames.join(', ')})` : ''}`,
      `  version:            ${h.version}`,
    );
  }
  const area = (title: string, info: ImageDescription['layout']['tlvInfo'], tlvs: TlvDescription[]): void => {
    if (info === undefined) return;
    lines.push(`${title} (offset ${hex(info.offset)}, magic ${info.magic}, size ${hex(info.tlvTot)}):`);
    for (const tlv of tlvs) {
      const short = tlv.dataHex.length < tlv.len * 2 ? ' (truncated)' : '';
      lines.push(`  ${tlv.name} (${tlv.typeHex}) len ${hex(tlv.len)}: ${tlv.dataHex}${short}`);
    }
  };
  area('protected TLVs', d.layout.protectedTlvInfo, d.protectedTlvs);
  area('TLVs', d.layout.tlvInfo, d.tlvs);
  if (d.layout.imageEndOffset !== undefined) lines.push(`image end: ${hex(d.layout.imageEndOffset)}`);
  if (d.digest !== undefined) {
    lines.push(`digest (${d.digest.algorithm}): ${d.digest.hex} ${d.digest.matches ? '(matches the hash TLV)' : '(DOES NOT match the hash TLV)'}`);
  }
  if (d.trailer !== undefined) {
    const t = d.trailer;
    lines.push(`trailer (read from the file end, max align ${t.maxAlign ?? 'unknown: magic not recognised'}):`, `  magic:     ${t.magic}`);
    if (t.maxAlign !== undefined) {
      lines.push(`  image_ok:  ${hex(t.imageOk)}`, `  copy_done: ${hex(t.copyDone)}`, `  swap_info: ${hex(t.swapInfo)}`, `  swap_size: ${hex(t.swapSize)}`);
    }
  }
  if (d.error !== undefined) lines.push(`error: ${d.error.message}`);
  return lines.join('\n');
}
