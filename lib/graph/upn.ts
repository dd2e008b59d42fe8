// Entra ID's user principal name policy, checked before a user is created so that a name Entra would
// refuse is reported on the field that holds it ("Microsoft Entra password policies and account
// restrictions", learn.microsoft.com/entra/identity/authentication/concept-password-policies, section
// "User principal name policies"). An email address is not a UPN: `first+tag@…` or `zoë@…` are valid
// addresses that Entra refuses.

/** Characters Entra allows before the @. */
const LOCAL_PART = /^[A-Za-z0-9'._!#^~-]+$/;

/** What is wrong with `upn` as an Entra user principal name, or undefined when nothing is. */
export function upnProblem(upn: string): string | undefined {
  const parts = upn.split('@');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return 'needs a user name and a domain separated by one @';
  const [local, domain] = parts;
  if (!LOCAL_PART.test(local)) {
    const bad = [...new Set([...local].filter((c) => !LOCAL_PART.test(c)))].map((c) => `'${c}'`).join(', ');
    return `the part before the @ may only contain A-Z a-z 0-9 ' . - _ ! # ^ ~ (found ${bad})`;
  }
  if (local.startsWith('.') || local.endsWith('.')) return 'the part before the @ may not start with a period or end with one right before the @';
  if (local.length > 64) return `at most 64 characters before the @ (has ${local.length})`;
  if (domain.length > 48) return `at most 48 characters after the @ (has ${domain.length})`;
  if (upn.length > 113) return `at most 113 characters in all (has ${upn.length})`;
  return undefined;
}

/** The tool error text for a bad UPN in `field`. */
export function upnError(field: string, upn: string): string | undefined {
  const problem = upnProblem(upn);
  return problem ? `${field}: ${upn} is not a valid Entra ID user principal name: ${problem} (Entra ID user principal name policy).` : undefined;
}
