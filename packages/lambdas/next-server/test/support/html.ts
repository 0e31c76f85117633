/** Reading the example app's pages by their data-testids (the app's README lists them). */
export function byTestId(html: string, testId: string): string | undefined {
  const match = new RegExp(`data-testid="${testId}"[^>]*>([^<]*)<`).exec(html);
  return match ? decodeEntities(match[1]!) : undefined;
}

/** The text of each <li> in the element with this data-testid. */
export function listItems(html: string, testId: string): string[] {
  const list = new RegExp(`data-testid="${testId}"[^>]*>([\\s\\S]*?)</ul>`).exec(html)?.[1] ?? "";
  return [...list.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) =>
    decodeEntities(m[1]!.replace(/<[^>]+>/g, "")),
  );
}

/** The hidden inputs and the action of the first <form>, as a browser without JavaScript posts it. */
export function formFields(html: string): Array<[string, string]> {
  const form = /<form[\s\S]*?<\/form>/.exec(html)?.[0] ?? "";
  return [...form.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/>/g)].map(
    (m) => [decodeEntities(m[1]!), decodeEntities(m[2] ?? "")],
  );
}

export function multipartBody(fields: Array<[string, string]>): {
  body: Buffer;
  contentType: string;
} {
  const boundary = "----WebKitFormBoundaryZonke7MA4YWxkTrZu0gW";
  const parts = fields
    .map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    )
    .join("");
  return {
    body: Buffer.from(`${parts}--${boundary}--\r\n`, "utf8"),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
