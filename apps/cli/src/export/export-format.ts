/** Formats `orders export` writes (and a checkpoint can resume). */
export const EXPORT_FORMATS = ['ndjson', 'csv', 'json'] as const;
/** An export format. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
