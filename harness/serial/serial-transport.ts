/**
 * The Transport over a real serial port (a dev kit's USB CDC-ACM or UART bridge, or a pseudo-terminal) through the
 * `serialport` package. A port that disappears (unplugged, the pty's other end closed) ends as a close event with
 * the disconnect error, which the SmpClient turns into a PortClosedError for the request waiting on it.
 */
import { SerialPort } from 'serialport';
import { PortOpenError } from './errors.ts';
import type { Transport } from './transport.ts';

export type FlowControl = 'none' | 'rtscts' | 'xonxoff';

export interface SerialOptions {
  readonly path: string;
  /** Default 115200, MCUboot serial recovery's and Zephyr's console default. */
  readonly baudRate?: number;
  readonly flowControl?: FlowControl;
}

export class SerialTransport implements Transport {
  readonly description: string;
  private readonly port: SerialPort;

  private constructor(port: SerialPort, path: string) {
    this.port = port;
    this.description = path;
    // Errors after open arrive as 'error' events; a disconnect also emits 'close' with the error, which is
    // what users of the transport listen to. Without a listener Node would throw the 'error' event.
    port.on('error', () => undefined);
  }

  static async open(options: SerialOptions): Promise<SerialTransport> {
    const flow = options.flowControl ?? 'none';
    const port = new SerialPort({
      path: options.path,
      baudRate: options.baudRate ?? 115200,
      rtscts: flow === 'rtscts',
      xon: flow === 'xonxoff',
      xoff: flow === 'xonxoff',
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) => {
      port.open((error) => (error ? reject(new PortOpenError(options.path, error)) : resolve()));
    });
    return new SerialTransport(port, options.path);
  }

  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.port.isOpen) {
        reject(new Error('the port is closed'));
        return;
      }
      this.port.write(Buffer.from(bytes), (error) => {
        if (error) reject(error);
        else this.port.drain((drainError) => (drainError ? reject(drainError) : resolve()));
      });
    });
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.port.on('data', (chunk: Buffer) => listener(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
  }

  onClose(listener: (error?: Error) => void): void {
    this.port.on('close', (error?: Error | null) => listener(error ?? undefined));
  }

  close(): Promise<void> {
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve) => {
      this.port.close(() => resolve());
    });
  }
}
