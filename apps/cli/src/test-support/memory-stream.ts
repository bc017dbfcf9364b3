import { EventEmitter } from 'node:events';
import type { OutputStream } from '../cli-io.js';

/** A writable that keeps what is written, for tests; `isTTY` as asked. */
export class MemoryStream extends EventEmitter implements OutputStream {
  readonly chunks: string[] = [];
  constructor(readonly isTTY = false) {
    super();
  }

  write(chunk: string, callback?: (error?: Error | null) => void): boolean {
    this.chunks.push(chunk);
    callback?.();
    return true;
  }

  /** Everything written so far. */
  text(): string {
    return this.chunks.join('');
  }
}
