/** Exit code for invalid configuration or usage. */
export const EXIT_USAGE = 2;

/** Prints `orderbridge-service: <message>` on stderr and exits (default code: usage, 2). */
export function fail(message: string, code = EXIT_USAGE): never {
  process.stderr.write(`orderbridge-service: ${message}\n`);
  process.exit(code);
}
