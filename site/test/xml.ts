import { SaxesParser } from 'saxes';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Text and CDATA directly inside the element. */
  text: string;
}

/** Parses a whole XML document strictly (saxes checks well-formedness); throws on the first error. */
export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser({ xmlns: false });
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const top = () => stack[stack.length - 1] ?? root;
  let error: Error | null = null;
  parser.on('error', (e) => {
    error ??= e;
  });
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(tag.attributes)) attributes[name] = String(value);
    const element: XmlElement = { name: tag.name, attributes, children: [], text: '' };
    top().children.push(element);
    stack.push(element);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('text', (text) => {
    top().text += text;
  });
  parser.on('cdata', (text) => {
    top().text += text;
  });
  parser.write(xml).close();
  if (error) throw error;
  return root;
}

/** The descendants of `element` reached by following child names, e.g. path(doc, 'rss', 'channel', 'item'). */
export function path(element: XmlElement, ...names: string[]): XmlElement[] {
  let level = [element];
  for (const name of names) level = level.flatMap((e) => e.children.filter((child) => child.name === name));
  return level;
}

/** The text of the first child named `name`. */
export const childText = (element: XmlElement, name: string) =>
  element.children.find((child) => child.name === name)?.text ?? '';
