// Hover cards: the engine's Markdown (the same the language server sends to
// editors) rendered with marked. Raw HTML in it is shown as text, never
// parsed, and links go only to http(s) addresses.
import { Marked } from "marked";

const escapeHtml = (text) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const marked = new Marked({
  gfm: true,
  renderer: {
    html({ text }) {
      return escapeHtml(text);
    },
    link({ href, tokens }) {
      const label = this.parser.parseInline(tokens);
      if (!/^https?:\/\//i.test(href)) return label;
      return `<a href="${escapeHtml(href)}" target="_blank" rel="noopener noreferrer">${label}</a>`;
    },
    image({ text }) {
      return escapeHtml(text);
    },
  },
});

/** Markdown → HTML that is safe to put into the page. */
export function renderMarkdown(markdown) {
  return marked.parse(markdown, { async: false });
}
