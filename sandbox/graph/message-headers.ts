// Custom internet message headers on sendMail (`message.internetMessageHeaders`), as Graph takes
// them: only names starting with x- or X-, at most 5, the collection not empty when given. The sent
// message keeps them (Sent Items copy and delivered copies); message reads return them only when
// `$select=internetMessageHeaders` asks (see MESSAGE in mail.ts).
import { GraphError } from '../errors';

export interface InternetMessageHeader {
  name: string;
  value: string;
}

export const MAX_CUSTOM_HEADERS = 5;

export function readInternetMessageHeaders(value: unknown): InternetMessageHeader[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CUSTOM_HEADERS) {
    throw new GraphError(
      400,
      'InvalidInternetMessageHeaderCollection',
      `Maximum number of headers in one message should be less than or equal to ${MAX_CUSTOM_HEADERS}.`,
    );
  }
  return value.map((h) => {
    const name = (h as { name?: unknown })?.name;
    const headerValue = (h as { value?: unknown })?.value;
    if (typeof name !== 'string' || !/^x-/i.test(name)) {
      throw new GraphError(400, 'InvalidInternetMessageHeader', `The internet message header name '${String(name ?? '')}' should start with 'x-' or 'X-'.`);
    }
    return { name, value: typeof headerValue === 'string' ? headerValue : String(headerValue ?? '') };
  });
}
