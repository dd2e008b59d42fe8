// The zod fields the email-template tools share, each described once for the model.
import { z } from 'zod';
import { TEMPLATE_CATEGORIES } from '../../lib/store';
import { jsonObject, line, multiline, TEXT_LIMITS } from '../../lib/bounded-text';

export const templateIdField = line(200)
  .min(1)
  .describe('Template id (e.g. "wiring-instructions") or exact name');

export const templateNameField = line(200).min(1).describe('Unique display name, e.g. "Quarterly Wiring Update"');

export const subjectField = line(998).min(1).describe('Subject line; may use variables, e.g. "Welcome, {{firstName}}"');

export const bodyHtmlField = multiline(TEXT_LIMITS.body)
  .min(1)
  .describe(
    'HTML with Handlebars ({{name}}, {{#if x}}); sanitised on save; values escaped on send',
  );

export const bodyTextField = multiline(TEXT_LIMITS.body)
  .describe('Plain-text body; derived from bodyHtml when omitted');

export const categoryField = z
  .enum(TEMPLATE_CATEGORIES)
  .describe('wiring, customer_communication or marketing (needs an unsubscribe link and postal address)');

export const variablesField = z
  .array(line(100).min(1))
  .max(200)
  .describe('Variables a send must supply, e.g. ["firstName"]; derived when omitted');

export const descriptionField = multiline(2000).describe('What the template is for');

export const variableValuesField = jsonObject(TEXT_LIMITS.body)
  .describe('Values for every declared variable, e.g. {"firstName":"Jane"}; no more, no fewer');

export const versionField = z.number().int().min(1).describe('Version number, as email_template_versions lists');
