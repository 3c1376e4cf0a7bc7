/**
 * The one Liquid configuration messages are rendered with. Liquid runs no
 * code from templates; on top of that this engine is strict (an unknown
 * variable or filter is an error, not an empty string), reads only own
 * properties of the facts (no `constructor`, no prototype), cannot read
 * files (`include`, `render`, `layout` and `block` are removed and the
 * template store is empty), and is bounded in size, time and memory.
 */
import { Liquid } from 'liquidjs';

/** Tags that read other templates from files; a message template is one self-contained file. */
const FILE_TAGS = ['include', 'render', 'layout', 'block'] as const;
/** HTML tables make no sense in Markdown, and their loop scope is one more thing to check. */
const OTHER_REMOVED_TAGS = ['tablerow'] as const;

/** Options of {@link createLiquid}. */
export interface LiquidEngineOptions {
  /** Time zone of the `date` filter (IANA name). Default UTC, so a message says the same wherever it is rendered. */
  timezone?: string;
  /** Whether an unknown filter is a parse error. Default true; `templateProblems` turns it off for a second parse that lists variables past a bad filter. */
  strictFilters?: boolean;
}

/** A strict, file-less Liquid engine for message templates. */
export function createLiquid(options: LiquidEngineOptions = {}): Liquid {
  const liquid = new Liquid({
    strictVariables: true,
    strictFilters: options.strictFilters ?? true,
    // Missing optional facts are null (normalizeFacts), so `if` needs no leniency and a misspelt name still fails.
    lenientIf: false,
    ownPropertyOnly: true,
    templates: {},
    dynamicPartials: false,
    relativeReference: false,
    timezoneOffset: options.timezone ?? 'UTC',
    parseLimit: 1_000_000,
    renderLimit: 2_000,
    memoryLimit: 50_000_000,
  });
  for (const tag of [...FILE_TAGS, ...OTHER_REMOVED_TAGS]) delete liquid.tags[tag];
  return liquid;
}
