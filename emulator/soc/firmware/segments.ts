/** A firmware file as bytes to place at bus addresses. */
export interface FirmwareSegment {
  readonly address: number;
  readonly bytes: Uint8Array;
}

export interface FirmwareImage {
  /** The file as the user named it, for messages. */
  readonly file: string;
  readonly segments: readonly FirmwareSegment[];
}
