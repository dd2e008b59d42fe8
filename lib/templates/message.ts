// A message ready to send: the rendered template plus its addresses, and the hash that ties a
// human's confirmation to exactly this message.
import crypto from 'node:crypto';
import { z } from 'zod';
import type { StoredTemplate } from '../store';
import { TemplateValidationError } from './errors';
import { renderTemplate, type TemplateVariables } from './render';

export interface MessageAddresses {
  from?: string;
  to: string[];
  cc?: string[];
  bcc?: string[];
}

/** What previewHash covers. */
export interface HashedMessage {
  from?: string;
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  html: string;
}

export interface ComposedMessage {
  templateId: string;
  version: number;
  from?: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  html: string;
  text: string;
  previewHash: string;
}

const emailAddress = z.email();

/** Throws TemplateValidationError naming the field (`to`, `cc`, `bcc`, `from`) and the bad address. */
/** Exchange Online's limit of recipients per message (To, Cc and Bcc together). */
export const MAX_RECIPIENTS = 500;

export function checkAddresses(addresses: MessageAddresses): void {
  const lists: [string, string[] | undefined][] = [
    ['to', addresses.to],
    ['cc', addresses.cc],
    ['bcc', addresses.bcc],
  ];
  if (!Array.isArray(addresses.to) || addresses.to.length === 0) {
    throw new TemplateValidationError('to', 'to needs at least one recipient address.');
  }
  for (const [field, list] of lists) {
    for (const [index, address] of (list ?? []).entries()) {
      if (typeof address !== 'string' || !emailAddress.safeParse(address).success) {
        throw new TemplateValidationError(field, `${field}[${index}] ${JSON.stringify(address)} is not a valid email address.`);
      }
    }
  }
  // Exchange Online limits, "Recipient limits": 500 recipients per message, To, Cc and Bcc together.
  const total = lists.reduce((n, [, list]) => n + (list?.length ?? 0), 0);
  if (total > MAX_RECIPIENTS) {
    throw new TemplateValidationError('to', `to, cc and bcc together have ${total} recipients; Exchange Online accepts at most ${MAX_RECIPIENTS} per message. Split them over several messages (recipients, one message each).`);
  }
  if (addresses.from !== undefined && !emailAddress.safeParse(addresses.from).success) {
    throw new TemplateValidationError('from', `from ${JSON.stringify(addresses.from)} is not a valid email address.`);
  }
}

/** sha256 over canonical JSON (sorted keys, absent lists as []), hex. */
export function previewHash(message: HashedMessage): string {
  const canonical = {
    bcc: message.bcc ?? [],
    cc: message.cc ?? [],
    from: message.from ?? null,
    html: message.html,
    subject: message.subject,
    to: message.to,
  };
  return crypto.createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

export function composeMessage(
  template: StoredTemplate,
  input: MessageAddresses & { variables: TemplateVariables },
): ComposedMessage {
  checkAddresses(input);
  const rendered = renderTemplate(template, input.variables);
  const addresses = { from: input.from, to: input.to, cc: input.cc ?? [], bcc: input.bcc ?? [] };
  return {
    templateId: template.templateId,
    version: template.version,
    ...addresses,
    ...rendered,
    previewHash: previewHash({ ...addresses, subject: rendered.subject, html: rendered.html }),
  };
}
