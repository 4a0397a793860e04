/**
 * The little XML S3 needs: escaping for responses, and a parser for the request bodies S3 accepts
 * (DeleteObjects, CompleteMultipartUpload, CreateBucketConfiguration). The parser handles
 * elements, text, the five XML entities, numeric character references, CDATA, comments and the
 * declaration; it rejects anything malformed with S3's `MalformedXML`.
 */
import { AwsError } from "../context";

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\r/g, "&#13;");
}

export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

export function childText(element: XmlElement, name: string): string | undefined {
  return element.children.find((child) => child.name === name)?.text;
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

const MALFORMED =
  "The XML you provided was not well-formed or did not validate against our published schema";

function malformed(): AwsError {
  return new AwsError("MalformedXML", MALFORMED);
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_match, entity: string) => {
    switch (entity) {
      case "lt":
        return "<";
      case "gt":
        return ">";
      case "amp":
        return "&";
      case "quot":
        return '"';
      case "apos":
        return "'";
      default: {
        const code = entity.startsWith("#x")
          ? parseInt(entity.slice(2), 16)
          : parseInt(entity.slice(1), 10);
        if (!Number.isFinite(code) || code > 0x10ffff) {
          throw malformed();
        }
        return String.fromCodePoint(code);
      }
    }
  });
}

/** Parses an XML document into its root element; namespaces are kept out of element names. */
export function parseXml(xml: string): XmlElement {
  let pos = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (pos < xml.length) {
    const lt = xml.indexOf("<", pos);
    const text = xml.slice(pos, lt < 0 ? xml.length : lt);
    if (text.length > 0) {
      if (stack.length > 0) {
        if (/&(?!(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);)/.test(text)) {
          throw malformed();
        }
        stack[stack.length - 1].text += decodeEntities(text);
      } else if (text.trim().length > 0) {
        throw malformed();
      }
    }
    if (lt < 0) {
      break;
    }
    if (xml.startsWith("<?", lt)) {
      const end = xml.indexOf("?>", lt);
      if (end < 0) throw malformed();
      pos = end + 2;
    } else if (xml.startsWith("<!--", lt)) {
      const end = xml.indexOf("-->", lt);
      if (end < 0) throw malformed();
      pos = end + 3;
    } else if (xml.startsWith("<![CDATA[", lt)) {
      const end = xml.indexOf("]]>", lt);
      if (end < 0 || stack.length === 0) throw malformed();
      stack[stack.length - 1].text += xml.slice(lt + 9, end);
      pos = end + 3;
    } else if (xml.startsWith("</", lt)) {
      const end = xml.indexOf(">", lt);
      if (end < 0) throw malformed();
      const name = localName(xml.slice(lt + 2, end).trim());
      const open = stack.pop();
      if (!open || open.name !== name) throw malformed();
      pos = end + 1;
    } else {
      const end = xml.indexOf(">", lt);
      if (end < 0) throw malformed();
      const selfClosing = xml[end - 1] === "/";
      const inner = xml.slice(lt + 1, selfClosing ? end - 1 : end).trim();
      const nameMatch = /^[A-Za-z_][\w.:-]*/.exec(inner);
      if (!nameMatch) throw malformed();
      const element: XmlElement = { name: localName(nameMatch[0]), children: [], text: "" };
      if (stack.length > 0) {
        stack[stack.length - 1].children.push(element);
      } else if (root) {
        throw malformed();
      } else {
        root = element;
      }
      if (!selfClosing) {
        stack.push(element);
      }
      pos = end + 1;
    }
  }
  if (!root || stack.length > 0) {
    throw malformed();
  }
  return root;
}

function localName(name: string): string {
  const colon = name.indexOf(":");
  return colon < 0 ? name : name.slice(colon + 1);
}

/** Builds `<Name>...</Name>` fragments; undefined values are left out, as S3 does. */
export function xmlElement(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) {
    return "";
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
export const S3_XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/";
