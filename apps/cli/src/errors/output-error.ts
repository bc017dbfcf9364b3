const marker = Symbol.for('orderbridge.cli.OutputError');

/** Why a file system error happened, in words (the code stays in parentheses). */
const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
  ENOENT: 'its folder does not exist',
  ENOTDIR: 'a part of its path is not a folder',
  EISDIR: 'it is a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  EFBIG: 'the file is too large',
  EIO: 'an input/output error occurred',
  EPIPE: 'the reader closed the pipe',
};

/**
 * Output could not be written: the output file or folder is wrong, the disk is full, stdout is
 * closed. Printed as one line naming the path and the cause, exit code 1, no stack trace (except
 * with `--debug`).
 */
export class OutputError extends Error {
  protected readonly [marker] = true;
  /** The path (or `stdout`) that could not be written. */
  readonly path: string;
  /** The error code of the system call (`ENOSPC`), when there is one. */
  readonly code: string | undefined;

  constructor(path: string, cause: unknown) {
    const code =
      typeof cause === 'object' &&
      cause !== null &&
      typeof (cause as { code?: unknown }).code === 'string'
        ? (cause as { code: string }).code
        : undefined;
    const reason =
      (code !== undefined ? REASONS[code] : undefined) ??
      (cause instanceof Error ? cause.message : String(cause));
    super(`cannot write ${path}: ${reason}${code !== undefined ? ` (${code})` : ''}`, { cause });
    this.name = 'OutputError';
    this.path = path;
    this.code = code;
  }

  /** True for any `OutputError`, even from another copy of this package. */
  static isInstance(error: unknown): error is OutputError {
    return typeof error === 'object' && error !== null && marker in error;
  }
}
