/**
 * The byte pipe an SmpClient talks through: a serial port, a pseudo-terminal, or an in-memory pair in tests.
 */
export interface Transport {
  /** Where the bytes go, for error messages (`/dev/ttyACM0`, `memory`). */
  readonly description: string;
  write(bytes: Uint8Array): Promise<void>;
  /** Bytes from the device, as they arrive, in order. */
  onData(listener: (bytes: Uint8Array) => void): void;
  /** The pipe went away (unplugged, closed by the other side, or by `close`); `error` says why when known. */
  onClose(listener: (error?: Error) => void): void;
  close(): Promise<void>;
}
