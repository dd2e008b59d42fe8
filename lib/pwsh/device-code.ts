// Finds the device-code prompt the PowerShell modules print while Connect-* waits for sign-in.
// Exchange writes it on the information stream (stdout), Az on the warning stream ("WARNING: ..."),
// so both stdout and stderr lines come here. Two URL forms exist in the wild:
//   To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD12345 to authenticate.
//   To sign in, use a web browser to open the page https://login.microsoft.com/device and enter the code ABCD12345 to authenticate.
// and PnP PowerShell 3.1's own (below).

export interface DeviceCodePrompt {
  userCode: string;
  verificationUrl: string;
}

const PROMPT = /open the page\s+(https?:\/\/[^\s]+?)[.,]?\s+and enter the code\s+([A-Z0-9][A-Z0-9-]{5,})/i;
// Looser wording seen in older module versions and other languages' hosts: a device URL and a code.
const URL_ONLY = /(https?:\/\/(?:(?:www\.)?microsoft\.com\/devicelogin|login\.microsoft(?:online)?\.(?:com|us)\/device[^\s]*|aka\.ms\/devicelogin|[^\s]+\/devicelogin))/i;
const CODE_ONLY = /\bcode\s*:?\s+([A-Z0-9]{8,12})\b/;

// PnP PowerShell 3.1 copies the code to the clipboard, opens a browser and names neither URL nor
// Microsoft's wording: the code is entered at the device-login page.
const PNP_CLIPBOARD = /^(?:WARNING:\s*)?Code\s+([A-Z0-9][A-Z0-9-]{5,})\s+has been copied to your clipboard/;

export function findDeviceCode(line: string): DeviceCodePrompt | undefined {
  const m = PROMPT.exec(line);
  if (m) return { verificationUrl: m[1], userCode: m[2] };
  const pnp = PNP_CLIPBOARD.exec(line.trim());
  if (pnp) return { verificationUrl: 'https://microsoft.com/devicelogin', userCode: pnp[1] };
  const url = URL_ONLY.exec(line);
  const code = CODE_ONLY.exec(line);
  if (url && code) return { verificationUrl: url[1].replace(/[.,]$/, ''), userCode: code[1] };
  return undefined;
}
