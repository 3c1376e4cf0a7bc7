/**
 * Text from a report made safe inside Markdown: whatever a summary holds
 * (file paths, `<script>`, `|`, backticks, new lines) reads as itself once
 * rendered, and cannot break a table or become HTML.
 */

/** Characters that start Markdown syntax wherever they are. */
const ALWAYS = /[`*<>[\]|]/;

/**
 * Plain text as Markdown that renders to exactly that text, on one line:
 * new lines become spaces; `` ` * < > [ ] | `` are backslash-escaped, as are
 * a backslash before punctuation, `_` at a word's edge and `&` that would
 * start an entity (`&amp;`). Everything else stays readable in the raw file
 * (`/tmp/drill_report.md` is left alone).
 */
export function markdownText(text: string): string {
  const line = text.replace(/\r\n|\r|\n/g, ' ');
  let out = '';
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i]!;
    const before = line[i - 1] ?? '';
    const after = line[i + 1] ?? '';
    const escape =
      ALWAYS.test(char) ||
      (char === '\\' && /[!-/:-@[-`{-~]/.test(after)) ||
      (char === '_' && !(/[A-Za-z0-9]/.test(before) && /[A-Za-z0-9]/.test(after))) ||
      (char === '&' && /^&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i.test(line.slice(i)));
    out += escape ? `\\${char}` : char;
  }
  return out;
}

/**
 * Text as an inline code span (paths, URLs, ids), fenced with more backticks
 * than it holds. `|` is escaped, which GitHub's tables need even in code.
 */
export function markdownCode(text: string): string {
  const line = text.replace(/\r\n|\r|\n/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

/** Which way a column's cells align. */
export type ColumnAlign = 'left' | 'right';

/** A column of {@link markdownTable}: its header (plain text) and alignment (default left). */
export interface MarkdownColumn {
  header: string;
  align?: ColumnAlign;
}

/**
 * A GitHub-flavoured Markdown table. Cells are Markdown already (pass text
 * through {@link markdownText} or {@link markdownCode}); headers are plain
 * text. An empty row list still gives the header, so the table's shape shows.
 */
export function markdownTable(columns: readonly MarkdownColumn[], rows: readonly (readonly string[])[]): string {
  const header = `| ${columns.map((column) => markdownText(column.header)).join(' | ')} |`;
  const rule = `| ${columns.map((column) => (column.align === 'right' ? '---:' : '---')).join(' | ')} |`;
  const body = rows.map((row) => `| ${columns.map((_, i) => row[i] ?? '').join(' | ')} |`);
  return [header, rule, ...body].join('\n');
}
