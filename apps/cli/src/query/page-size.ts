/**
 * The largest page a provider request may ask for: core's `MAX_LIMIT`, repeated here (a test keeps
 * the two equal) so that the flags' help text can say it without loading core.
 */
export const MAX_PAGE_SIZE = 1000;
