import type { FileHandle } from 'node:fs/promises';

/** Switch of the simulated full disk: when on, writes store half their bytes, then fail. */
export const fullDisk = { isFull: false };

/** The error a write to a full disk fails with. */
export function diskFullError(): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error('ENOSPC: no space left on device, write');
  error.code = 'ENOSPC';
  error.errno = -28;
  error.syscall = 'write';
  return error;
}

/**
 * Wraps a real file handle so that, while `fullDisk.isFull`, `write` and `writeFile` store the
 * first half of their data (a torn record, as a disk that fills up mid-write leaves) and then
 * reject with ENOSPC. For `vi.mock('node:fs/promises')` in the tests of the file writers.
 */
export function onFullDisk(handle: FileHandle): FileHandle {
  return new Proxy(handle, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'write' && property !== 'writeFile')
        return typeof value === 'function' ? value.bind(target) : value;
      return async (data: string | Uint8Array, ...rest: unknown[]) => {
        if (!fullDisk.isFull)
          return (value as (...args: unknown[]) => unknown).call(target, data, ...rest);
        const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data);
        await target.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
        throw diskFullError();
      };
    },
  });
}
