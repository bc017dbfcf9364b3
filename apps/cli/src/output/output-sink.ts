import { type FileHandle, open, truncate } from 'node:fs/promises';
import type { OutputStream } from '../cli-io.js';
import { OutputError } from '../errors/output-error.js';

/**
 * Where output text goes, with backpressure: `write` resolves once the text is handed to the OS (a
 * file) or the stream has room again (stdout), so a slow consumer slows the producer instead of
 * growing memory. Counts the bytes written, which the export checkpoint records.
 */
export interface OutputSink {
  /** Writes text (UTF-8). */
  write(text: string): Promise<void>;
  /** Bytes written since the sink was opened, plus the resumed offset. */
  readonly bytesWritten: number;
  /** Makes written bytes durable (fsync for files; nothing for streams). */
  sync(): Promise<void>;
  /** Flushes and closes (a stream sink leaves stdout open). */
  close(): Promise<void>;
}

/** A sink on stdout (or any writable), honouring `drain`. */
export function createStreamSink(stream: OutputStream): OutputSink {
  let bytesWritten = 0;
  return {
    get bytesWritten() {
      return bytesWritten;
    },
    async write(text) {
      if (text === '') return;
      bytesWritten += Buffer.byteLength(text);
      if (stream.write(text)) return;
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          stream.removeListener('error', onError);
          resolve();
        };
        const onError = (error: Error) => {
          stream.removeListener('drain', onDrain);
          reject(error);
        };
        stream.once('drain', onDrain);
        stream.once('error', onError);
      });
    },
    async sync() {},
    async close() {
      await new Promise<void>((resolve) => stream.write('', () => resolve()));
    },
  };
}

/**
 * A sink on a file. Fresh: created or emptied. Resumed: the file is cut to `resumeAt` bytes (what
 * the checkpoint vouches for, which drops a torn last line) and appended to. A write that fails
 * (disk full) is undone: the file is cut back to the end of the last complete write, so it never
 * ends in a torn record and `bytesWritten` is what it holds.
 * @throws OutputError naming the path and the cause (missing folder, a folder, disk full, ...).
 */
export async function createFileSink(
  path: string,
  options: { resumeAt?: number | undefined } = {},
): Promise<OutputSink> {
  let handle: FileHandle;
  let bytesWritten = 0;
  try {
    if (options.resumeAt !== undefined) {
      await truncate(path, options.resumeAt);
      handle = await open(path, 'a');
      bytesWritten = options.resumeAt;
    } else {
      handle = await open(path, 'w');
    }
  } catch (error) {
    throw new OutputError(path, error);
  }
  let isClosed = false;
  return {
    get bytesWritten() {
      return bytesWritten;
    },
    async write(text) {
      if (text === '') return;
      // The string goes to the file as is: node encodes it into memory of its own that is freed
      // as soon as the write completes. A Buffer.from copy would be freed only when the garbage
      // collector gets to it, and during a long export those copies pile up between collections.
      const length = Buffer.byteLength(text, 'utf8');
      try {
        let offset = (await handle.write(text, null, 'utf8')).bytesWritten;
        if (offset < length) {
          // A short write (rare: e.g. a full disk that then frees up): the rest from a buffer.
          const buffer = Buffer.from(text, 'utf8');
          while (offset < length) {
            offset += (await handle.write(buffer, offset, length - offset)).bytesWritten;
          }
        }
      } catch (error) {
        // Part of the text may be in the file: cut it off, so the file ends after a complete
        // record. Cutting frees space, so it works on a full disk too.
        await handle.truncate(bytesWritten).catch(() => undefined);
        throw new OutputError(path, error);
      }
      bytesWritten += length;
    },
    async sync() {
      try {
        await handle.sync();
      } catch (error) {
        throw new OutputError(path, error);
      }
    },
    async close() {
      if (isClosed) return;
      isClosed = true;
      try {
        await handle.sync();
      } catch (error) {
        await handle.close().catch(() => undefined);
        throw new OutputError(path, error);
      }
      await handle.close();
    },
  };
}
