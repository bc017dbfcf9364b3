/**
 * Provider page requests one `orders list` page may make by default: core's
 * `DEFAULT_SCAN_PAGE_REQUESTS`, repeated here (a test keeps the two equal) so that the flags' help
 * text can say it without loading core.
 */
export const DEFAULT_SCAN_PAGE_REQUESTS = 20;
