/**
 * SMP (mcumgr) over serial: the host side (SmpClient, uploadImage, SerialTransport) and the device side
 * (SmpServer, for emulated boards behind a pipe or a pty), byte-exact with MCUboot serial recovery and Zephyr's
 * mcumgr (FORMATS.md §8).
 */
export { DEFAULT_BUF_SIZE, type RequestOptions, SmpClient, type SmpClientOptions } from './client.ts';
export {
  FramingError,
  type FramingFault,
  ImageTooLargeError,
  PortClosedError,
  PortOpenError,
  RequestTooLargeError,
  SmpDeviceError,
  SmpProtocolError,
  SmpTimeoutError,
  UploadIncompleteError,
} from './errors.ts';
export { crc16, encodeFrames, FrameDecoder, type FrameEvent, MAX_FRAME_BYTES } from './framing.ts';
export { imageIdentity } from './image-hash.ts';
export { MemoryTransport } from './memory-transport.ts';
export { openPtyPair, type PtyPair, socatMissing } from './pty.ts';
export { type FlowControl, type SerialOptions, SerialTransport } from './serial-transport.ts';
export {
  type ImageSlotState,
  type ImageState,
  type McumgrParams,
  MgmtErr,
  mgmtErrName,
  type SlotInfo,
  type SmpRequest,
} from './smp.ts';
export { SmpServer, type SmpServerOptions } from './smp-server.ts';
export type { Transport } from './transport.ts';
export { type UploadOptions, type UploadProgress, type UploadResult, uploadImage } from './upload.ts';
