/**
 * A small, strict XML well-formedness check for the SVG files the examples write: one root
 * element, properly nested and closed tags, well-formed names, quoted and unique attributes,
 * `<` never raw in text or attribute values, and every `&` starting a valid entity or character
 * reference. Comments, processing instructions (incl. the XML declaration) and CDATA are accepted.
 * It does not check DTDs or namespaces (the SVGs have neither beyond xmlns attributes).
 */
const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
const REF = /^&(?:[A-Za-z_][A-Za-z0-9_.-]*|#[0-9]+|#x[0-9A-Fa-f]+);/;

function checkText(s: string, where: number): void {
  for (let i = s.indexOf('&'); i >= 0; i = s.indexOf('&', i + 1)) {
    if (!REF.test(s.slice(i))) throw new Error(`bad '&' at ${where + i}: ${JSON.stringify(s.slice(i, i + 12))}`);
  }
  const lt = s.indexOf('<');
  if (lt >= 0) throw new Error(`raw '<' at ${where + lt}`);
}

/**
 * Parses `xml` and returns the root element's name and the number of elements.
 * @throws Error naming the first violation and its offset.
 */
export function checkXml(xml: string): { root: string; elements: number } {
  const stack: string[] = [];
  let root: string | null = null;
  let elements = 0;
  let i = 0;
  const n = xml.length;
  while (i < n) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? n : lt);
    if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root element at ${i}`);
    checkText(text, i);
    if (lt < 0) break;
    i = lt;
    if (xml.startsWith('<!--', i)) {
      const e = xml.indexOf('-->', i + 4);
      if (e < 0) throw new Error(`unterminated comment at ${i}`);
      i = e + 3;
    } else if (xml.startsWith('<![CDATA[', i)) {
      if (stack.length === 0) throw new Error(`CDATA outside the root at ${i}`);
      const e = xml.indexOf(']]>', i);
      if (e < 0) throw new Error(`unterminated CDATA at ${i}`);
      i = e + 3;
    } else if (xml.startsWith('<?', i)) {
      const e = xml.indexOf('?>', i);
      if (e < 0) throw new Error(`unterminated processing instruction at ${i}`);
      i = e + 2;
    } else if (xml.startsWith('</', i)) {
      const m = NAME.exec(xml.slice(i + 2));
      if (!m) throw new Error(`bad closing tag at ${i}`);
      const j = i + 2 + m[0].length;
      const close = /^\s*>/.exec(xml.slice(j));
      if (!close) throw new Error(`bad closing tag </${m[0]} at ${i}`);
      const open = stack.pop();
      if (open !== m[0]) throw new Error(`</${m[0]}> at ${i} closes <${open ?? 'nothing'}>`);
      i = j + close[0].length;
    } else {
      const m = NAME.exec(xml.slice(i + 1));
      if (!m) throw new Error(`bad tag name at ${i}`);
      const name = m[0];
      if (stack.length === 0) {
        if (root !== null) throw new Error(`second root element <${name}> at ${i}`);
        root = name;
      }
      elements++;
      let j = i + 1 + name.length;
      const seen = new Set<string>();
      for (;;) {
        const ws = /^\s*/.exec(xml.slice(j))![0];
        j += ws.length;
        if (xml.startsWith('/>', j)) {
          j += 2;
          break;
        }
        if (xml[j] === '>') {
          stack.push(name);
          j += 1;
          break;
        }
        if (ws === '') throw new Error(`expected whitespace before an attribute in <${name}> at ${j}`);
        const a = NAME.exec(xml.slice(j));
        if (!a) throw new Error(`bad attribute in <${name}> at ${j}`);
        if (seen.has(a[0])) throw new Error(`duplicate attribute ${a[0]} in <${name}> at ${j}`);
        seen.add(a[0]);
        j += a[0].length;
        const eq = /^\s*=\s*/.exec(xml.slice(j));
        if (!eq) throw new Error(`attribute ${a[0]} without a value at ${j}`);
        j += eq[0].length;
        const q = xml[j];
        if (q !== '"' && q !== "'") throw new Error(`unquoted attribute ${a[0]} at ${j}`);
        const end = xml.indexOf(q, j + 1);
        if (end < 0) throw new Error(`unterminated attribute ${a[0]} at ${j}`);
        checkText(xml.slice(j + 1, end), j + 1);
        j = end + 1;
      }
      i = j;
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack[stack.length - 1]}>`);
  if (root === null) throw new Error('no root element');
  return { root, elements };
}
