import picocolors from 'picocolors';

/** The colour functions the CLI uses; identity functions when colour is off. */
export type Colors = Pick<
  typeof picocolors,
  'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan' | 'magenta'
>;

/**
 * Whether to colour a stream: only a terminal, never with `NO_COLOR` set to anything non-empty
 * (https://no-color.org) or `--no-color`; `FORCE_COLOR` is not consulted on purpose, so pipes stay clean.
 */
export function shouldColor(
  stream: { isTTY?: boolean | undefined },
  env: Readonly<Record<string, string | undefined>>,
  colorFlag: boolean,
): boolean {
  if (!colorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

/** Colour functions, real or identity. */
export function colorsFor(enabled: boolean): Colors {
  return picocolors.createColors(enabled);
}
