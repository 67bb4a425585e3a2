/**
 * A view of the serial port that one SmpClient holds until the board loses power. When the power goes, the lease is
 * retired: the request the old client was waiting on fails at once (as if the port had closed) instead of running
 * out its timeout and retries, and a new client on a new lease talks to the board after it boots again.
 */
import type { Transport } from '../serial/index.ts';

export class ClientLease implements Transport {
  readonly description: string;
  private readonly port: Transport;
  private readonly dataListeners: ((bytes: Uint8Array) => void)[] = [];
  private readonly closeListeners: ((error?: Error) => void)[] = [];
  private retired = false;

  constructor(port: Transport) {
    this.port = port;
    this.description = port.description;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.retired) return Promise.reject(new Error('the board lost power'));
    return this.port.write(bytes);
  }

  /** Bytes from the port, while the lease is held. */
  deliver(bytes: Uint8Array): void {
    if (this.retired) return;
    for (const listener of this.dataListeners) listener(bytes);
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.dataListeners.push(listener);
  }

  onClose(listener: (error?: Error) => void): void {
    this.closeListeners.push(listener);
  }

  retire(error: Error): void {
    if (this.retired) return;
    this.retired = true;
    for (const listener of this.closeListeners) listener(error);
  }

  /** The port stays open: only the lab device closes it. */
  async close(): Promise<void> {
    this.retire(new Error('the lease was closed'));
  }
}
