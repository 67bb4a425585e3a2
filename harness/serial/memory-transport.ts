import type { Transport } from './transport.ts';

/**
 * A Transport whose other end is code in the same process (an SmpServer in tests, an in-process device).
 * Writes reach `deliver` on a microtask, as bytes from a port arrive after the write returns.
 */
export class MemoryTransport implements Transport {
  readonly description: string;
  private readonly deliver: (bytes: Uint8Array) => void;
  private readonly dataListeners: ((bytes: Uint8Array) => void)[] = [];
  private readonly closeListeners: ((error?: Error) => void)[] = [];
  private closed = false;

  constructor(deliver: (bytes: Uint8Array) => void, description = 'memory') {
    this.deliver = deliver;
    this.description = description;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the memory transport is closed'));
    const copy = bytes.slice();
    queueMicrotask(() => {
      if (!this.closed) this.deliver(copy);
    });
    return Promise.resolve();
  }

  /** Bytes from the device side. */
  push(bytes: Uint8Array): void {
    if (this.closed) return;
    for (const listener of this.dataListeners) listener(bytes);
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.dataListeners.push(listener);
  }

  onClose(listener: (error?: Error) => void): void {
    this.closeListeners.push(listener);
  }

  /** The device side went away (a pulled cable). */
  hangUp(error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners) listener(error);
  }

  async close(): Promise<void> {
    this.hangUp();
  }
}
