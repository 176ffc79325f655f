// Small DOM helpers; text always goes in as text nodes (run data comes from files on disk).
type Child = Node | string | undefined | null | false;

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

/** A toolkit element (`vscode-button`, `vscode-dropdown`, …). */
export function custom(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  append(node, children);
  return node;
}

function setAttributes(node: Element, attrs: Record<string, string>): void {
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
}

function append(node: Element, children: Child[]): void {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

export function replaceChildren(node: Element, ...children: Child[]): void {
  node.replaceChildren();
  append(node, children);
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`dashboard: #${id} is missing`);
  return node as T;
}

/** A toolkit form control's value (dropdown, text field). */
export type ValueElement = HTMLElement & { value: string };

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
