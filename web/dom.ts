/**
 * Elements made with createElement, attributes with setAttribute and text as text nodes: the
 * page never parses HTML, so nothing the API sends (captions, file names, messages) can become
 * markup or script.
 */

export type Child = Node | string | null | undefined | false;
export type Attributes = Record<string, string | true | null | undefined | false>;

/** An element with attributes (true: present and empty; null, undefined, false: absent). */
export function h<Tag extends keyof HTMLElementTagNameMap>(
  tag: Tag,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[Tag] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    // A string is appended as a text node, never as markup.
    if (child !== null && child !== undefined && child !== false) element.append(child);
  }
  return element;
}

/** The element with this id, of the expected kind; a clear error when the page lacks it. */
export function byId<T extends HTMLElement>(
  root: Document,
  id: string,
  kind: new () => T,
  kindName: string,
): T {
  const element = root.getElementById(id);
  if (!(element instanceof kind)) {
    throw new Error(`index.html has no <${kindName} id="${id}">`);
  }
  return element;
}
