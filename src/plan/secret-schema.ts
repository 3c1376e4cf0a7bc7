/** The mark on plan settings that hold secrets, and the schema of a secret reference. */
import { z } from 'zod';

/** Marks a schema as holding a secret, so it is redacted wherever plans are shown, logged or stored. */
export const secretRegistry = z.registry<{ secret: true }>();

/**
 * A secret: `env:NAME` (an environment variable) or `file:PATH` (a file's
 * contents, relative to the plan). Anything else is an inline secret, which
 * works but is warned about.
 */
export const secretSchema = z
  .string()
  .min(1)
  .describe('A secret reference: env:NAME or file:PATH. Never write the secret itself in the plan.')
  .register(secretRegistry, { secret: true });
