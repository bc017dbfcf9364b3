import { z } from 'zod';
import { WINDOW_BOUND_PATTERN } from './report-query.js';

const bound = z
  .string()
  .regex(
    WINDOW_BOUND_PATTERN,
    'must be a UTC date (2025-01-31) or timestamp (2025-01-31T12:00:00Z)',
  );

/** The options every report takes: scope, providers and the creation window. */
export const reportWindowSchema = z.strictObject({
  scope: z.string().min(1).optional(),
  provider: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
  from: bound.optional(),
  to: bound.optional(),
});

/** A UTC timestamp the ages and "stuck" thresholds are measured from. */
export const asOfSchema = z.iso.datetime({ message: 'must be a UTC timestamp (…Z)' }).optional();
