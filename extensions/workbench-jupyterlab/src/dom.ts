/**
 * Building DOM from text only (never innerHTML): safe for what kernels and notebooks send.
 */

/** A new `tag` element with an optional class name and text content. */
export function html<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) {
    element.className = className;
  }
  if (text !== undefined) {
    element.textContent = text;
  }
  return element;
}
