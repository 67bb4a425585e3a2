import { IMAGE_HEADER_SIZE } from './tlv-types.ts';
import type { ImageVersion } from './version.ts';

/** `struct image_header` (FORMATS.md §1.2), 32 bytes little-endian. */
export interface ImageHeader {
  magic: number;
  loadAddr: number;
  hdrSize: number;
  /** Bytes of the protected TLV area including its 4-byte info header; 0 when absent. */
  protectTlvSize: number;
  imgSize: number;
  flags: number;
  version: ImageVersion;
  pad1: number;
}

export function decodeHeader(bytes: Uint8Array): ImageHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, IMAGE_HEADER_SIZE);
  return {
    magic: view.getUint32(0, true),
    loadAddr: view.getUint32(4, true),
    hdrSize: view.getUint16(8, true),
    protectTlvSize: view.getUint16(10, true),
    imgSize: view.getUint32(12, true),
    flags: view.getUint32(16, true),
    version: {
      major: view.getUint8(20),
      minor: view.getUint8(21),
      revision: view.getUint16(22, true),
      build: view.getUint32(24, true),
    },
    pad1: view.getUint32(28, true),
  };
}

export function encodeHeader(header: ImageHeader): Uint8Array {
  const out = new Uint8Array(IMAGE_HEADER_SIZE);
  const view = new DataView(out.buffer);
  view.setUint32(0, header.magic, true);
  view.setUint32(4, header.loadAddr, true);
  view.setUint16(8, header.hdrSize, true);
  view.setUint16(10, header.protectTlvSize, true);
  view.setUint32(12, header.imgSize, true);
  view.setUint32(16, header.flags, true);
  view.setUint8(20, header.version.major);
  view.setUint8(21, header.version.minor);
  view.setUint16(22, header.version.revision, true);
  view.setUint32(24, header.version.build, true);
  view.setUint32(28, header.pad1, true);
  return out;
}
