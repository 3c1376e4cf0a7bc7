/**
 * The Markdown of a message in the other forms channels need: plain text
 * for email and the outbox reader, and Slack's mrkdwn. Only what message
 * templates use is converted: headings, emphasis, code, links, lists.
 */

/** Tidies rendered Markdown: no trailing spaces, at most one blank line in a row, one final newline. */
export function tidyMarkdown(markdown: string): string {
  return `${markdown
    .replace(/\r\n/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

/** Markdown as plain text: headings underlined, emphasis and code marks dropped, links as `text (url)`. */
export function markdownToText(markdown: string): string {
  const lines = markdown.split('\n').flatMap((line) => {
    const heading = /^(#{1,6})\s+(.*?)\s*#*$/.exec(line);
    if (!heading) return [inlineText(line)];
    const title = inlineText(heading[2] ?? '');
    const level = heading[1]?.length ?? 1;
    return level <= 2 ? [title, (level === 1 ? '=' : '-').repeat(Math.max(title.length, 3))] : [title];
  });
  return tidyMarkdown(lines.join('\n'));
}

function inlineText(line: string): string {
  return line
    .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_whole, text: string, url: string) => (text === url ? url : `${text} (${url})`))
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/__(.+?)__/g, '$1')
    .replace(/(^|[\s(])\*(\S(?:.*?\S)?)\*(?=[\s).,;:!?]|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1');
}

/** Markdown as Slack mrkdwn: `*bold*` headings and emphasis, `<url|text>` links, `•` bullets, `&<>` escaped. */
export function markdownToSlack(markdown: string): string {
  const lines = markdown.split('\n').map((line) => {
    const escaped = line.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const heading = /^#{1,6}\s+(.*?)\s*#*$/.exec(escaped);
    const body = heading ? `*${(heading[1] ?? '').replace(/\*\*(.+?)\*\*/g, '$1')}*` : escaped;
    return body
      .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '<$2|$1>')
      .replace(/\*\*(.+?)\*\*/g, '*$1*')
      .replace(/^(\s*)[-*]\s+/, '$1• ');
  });
  return tidyMarkdown(lines.join('\n'));
}
