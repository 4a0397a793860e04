/**
 * Escaping for the HTML the display helpers write. Every value that reaches an output goes through
 * one of these: a DataFrame cell or a chart title may hold anything (a captured request body, a
 * feature name from a CSV header), and a notebook renders its outputs as trusted HTML.
 */

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * JSON that is safe inside a `<script>` element: `<`, `>` and `&` become \u escapes, so a string
 * holding `</script>` or `<!--` cannot end the element early (the HTML parser does not know JSON).
 * U+2028/U+2029 are escaped too, for older script engines that treat them as line ends.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => {
    return "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0");
  });
}

/**
 * JavaScript source that is safe to inline in a `<script>` element: every `</script` becomes
 * `<\/script` (the same string to the script engine inside string, template and regex literals,
 * the only places that text can occur in valid code) and `<!--` becomes `<\!--`.
 */
export function scriptForInlining(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}
