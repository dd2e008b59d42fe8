// CAN-SPAM for marketing templates: a way to unsubscribe and the sender's postal address must be in
// the message. Either may come from a variable (filled at send time) or be written in the HTML.
const UNSUBSCRIBE = /unsubscribe|opt[-_ ]?out/i;
const ADDRESS_VARIABLE = /address/i;
const STREET_ADDRESS =
  /\b\d{1,6}\s+[A-Za-z0-9.' -]{2,60}\b(street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl|square|sq|suite|parkway|pkwy|highway|hwy)\b/i;
const PO_BOX = /\bP\.?\s?O\.?\s+Box\s+\d+/i;

/** What a marketing template lacks; empty when it complies. `variables` are the ones the HTML uses. */
export function canSpamProblems(sanitizedHtml: string, variables: string[]): string[] {
  const problems: string[] = [];
  // sanitize-html's output quotes every attribute, so the links can be read with a pattern.
  const hasUnsubscribe = [...sanitizedHtml.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/gi)].some(([, attrs, inner]) => {
    const href = /\bhref="([^"]*)"/i.exec(attrs)?.[1];
    return href !== undefined && href !== '' && (UNSUBSCRIBE.test(href) || UNSUBSCRIBE.test(inner));
  });
  if (!hasUnsubscribe) {
    problems.push('an unsubscribe link (e.g. <a href="{{unsubscribeUrl}}">Unsubscribe</a>)');
  }
  const text = sanitizedHtml.replace(/<[^>]*>/g, ' ');
  const hasAddress = variables.some((v) => ADDRESS_VARIABLE.test(v)) || STREET_ADDRESS.test(text) || PO_BOX.test(text);
  if (!hasAddress) {
    problems.push("the sender's postal address (e.g. {{postalAddress}} in the footer)");
  }
  return problems;
}
