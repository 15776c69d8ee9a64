/**
 * HTML → plain text with one blank line between blocks, so the same
 * paragraph and chrome rules apply as for .txt. Page-level metadata
 * (JSON-LD, Open Graph, <title>) is read by page-meta.ts.
 * Offsets of quotes from an HTML document index this extracted text.
 */
import { parse, type HTMLElement, NodeType, type Node } from 'node-html-parser';
import type { DocMeta } from '../segment/metadata.js';
import { pageMeta } from './page-meta.js';

const SKIPPED = new Set(['script', 'style', 'noscript', 'nav', 'header', 'footer', 'aside', 'form', 'template', 'svg', 'iframe', 'button']);
const BLOCKS = new Set(['p', 'div', 'section', 'article', 'main', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'blockquote', 'pre', 'tr', 'table', 'ul', 'ol', 'figure', 'figcaption', 'br', 'hr', 'dd', 'dt']);

export function htmlToText(html: string): { text: string; meta: DocMeta } {
  const root = parse(html, { comment: false });
  const parts: string[] = [];
  const walk = (node: Node): void => {
    if (node.nodeType === NodeType.TEXT_NODE) {
      parts.push(node.text.replace(/\s+/g, ' '));
      return;
    }
    if (node.nodeType !== NodeType.ELEMENT_NODE) return;
    const tag = (node as HTMLElement).rawTagName?.toLowerCase() ?? '';
    if (SKIPPED.has(tag) || tag === 'head') return;
    const block = BLOCKS.has(tag);
    if (block) parts.push('\n\n');
    node.childNodes.forEach(walk);
    if (block) parts.push('\n\n');
  };
  walk(root.querySelector('body') ?? root);
  const text = parts
    .join('')
    .split(/\n{2,}/)
    .map((line) => line.trim())
    .filter(Boolean)
    .join('\n\n');
  return { text, meta: pageMeta(root) };
}
