/**
 * A small Python highlighter for operator source shown in graph details: keywords, strings,
 * comments, numbers and definitions, coloured with the editor theme's variables. Text nodes
 * only. (Outputs have no access to the editor's language support, and this is read-only text.)
 */

import { html } from './dom';

const KEYWORDS = new Set(('and as assert async await break class continue def del elif else except finally for from ' +
  'global if import in is lambda nonlocal not or pass raise return try while with yield None True False').split(' '));

const TOKEN = /(#[^\n]*)|("""[\s\S]*?"""|'''[\s\S]*?'''|[rbfu]*"(?:\\.|[^"\\\n])*"|[rbfu]*'(?:\\.|[^'\\\n])*')|(\b\d[\d_]*(?:\.\d+)?(?:e[+-]?\d+)?\b)|([A-Za-z_]\w*)/g;

/** `source` as text nodes and spans (classes jp-workbench-py-keyword, -string, -comment, -number, -def). */
export function highlightPython(source: string): Node[] {
  const nodes: Node[] = [];
  let last = 0;
  let previousWord = '';
  for (const match of source.matchAll(TOKEN)) {
    const index = match.index ?? 0;
    if (index > last) {
      nodes.push(document.createTextNode(source.slice(last, index)));
    }
    const [text, comment, string, number, word] = match;
    if (comment) {
      nodes.push(html('span', 'jp-workbench-py-comment', text));
    } else if (string) {
      nodes.push(html('span', 'jp-workbench-py-string', text));
    } else if (number) {
      nodes.push(html('span', 'jp-workbench-py-number', text));
    } else if (word && KEYWORDS.has(word)) {
      nodes.push(html('span', 'jp-workbench-py-keyword', text));
    } else if (word && (previousWord === 'def' || previousWord === 'class')) {
      nodes.push(html('span', 'jp-workbench-py-def', text));
    } else {
      nodes.push(document.createTextNode(text));
    }
    previousWord = word ?? '';
    last = index + text.length;
  }
  if (last < source.length) {
    nodes.push(document.createTextNode(source.slice(last)));
  }
  return nodes;
}
