import { fc, test as propertyTest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./render-markdown";

describe("renderMarkdown", () => {
  it.each([
    ["paragraphs and emphasis", "One *two*\n\nThree **four**", "<p>One <em>two</em></p>\n<p>Three <strong>four</strong></p>"],
    ["headings and lists", "## Next steps\n\n- write\n- sign", "<h2>Next steps</h2>\n<ul>\n<li>write</li>\n<li>sign</li>\n</ul>"],
    ["links to other sites (a link loads nothing)", "[Reuters](https://www.reuters.com/)", '<p><a href="https://www.reuters.com/">Reuters</a></p>'],
  ])("renders %s", (_name, source, html) => {
    expect(renderMarkdown(source)).toBe(html);
  });

  it.each([
    ["a script tag", "<script>alert(1)</script>", "<script"],
    ["an inline handler", '<img src=x onerror="alert(1)">', "<img"],
    ["an iframe", "<iframe src=https://evil.example></iframe>", "<iframe"],
    ["a javascript: link", "[click](javascript:alert(1))", "javascript:"],
    ["an encoded javascript: link", "[click](jav&#x61;script:alert(1))", "script:"],
    ["a data: link", "[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"],
    ["an image from another site", "![tracker](https://evil.example/pixel.png)", "<img"],
    ["an autolinked javascript: URL", "<javascript:alert(1)>", 'href="javascript:'],
  ])("renders %s inert", (_name, source, forbidden) => {
    expect(renderMarkdown(source)).not.toContain(forbidden);
  });

  propertyTest.prop([fc.string({ maxLength: 200 })])("never lets a tag from the source through", (source) => {
    const html = renderMarkdown(source);
    // Every '<' in the output starts one of the tags micromark writes itself.
    for (const match of html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)) {
      expect(["p", "em", "strong", "a", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "code", "pre", "hr", "br", "del", "table", "thead", "tbody", "tr", "th", "td", "input", "section", "sup"]).toContain(match[1]!.toLowerCase());
    }
  });
});
