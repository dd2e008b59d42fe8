// A licence as a person names it (part number, skuId, Microsoft's product name or a short name such
// as "Business Premium" or "M365 E3"), resolved against a tenant's subscribed SKUs. Names compare
// without case, spaces or punctuation. A short name that fits several products (E3: Microsoft 365
// E3 or Office 365 E3) is refused with the candidates rather than guessed.
import { PRODUCTS, productLabel, productOf, type Product } from './products';

export interface SubscribedSku {
  skuId: string;
  skuPartNumber: string;
}

export type LicenceResolution<T extends SubscribedSku> = { sku: T; product?: Product } | { error: string };

/** The names the create_user tool took before it knew product names; each still means its product. */
export const LEGACY_LICENCE_NAMES: Record<string, string> = {
  BusinessBasic: 'O365_BUSINESS_ESSENTIALS',
  BusinessStandard: 'O365_BUSINESS_PREMIUM',
  BusinessPremium: 'SPB',
};

/** A name as it compares: lower case, letters and digits only ("Exchange Online (Plan 1)" → "exchangeonlineplan1"). */
export const nameKey = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

const FAMILIES: Array<{ prefix: string; short: string[] }> = [
  { prefix: 'Microsoft 365 ', short: ['M365 ', 'MS365 '] },
  { prefix: 'Office 365 ', short: ['O365 '] },
  { prefix: 'Microsoft ', short: [] },
];

/** Every name a product answers to: its product name, the name without its family, the family abbreviated. */
export function namesOf(product: Product): string[] {
  const names = [product.productName];
  for (const family of FAMILIES) {
    if (!product.productName.startsWith(family.prefix)) continue;
    const rest = product.productName.slice(family.prefix.length);
    if (nameKey(rest).length >= 2) names.push(rest, ...family.short.map((s) => s + rest));
    break;
  }
  return names;
}

/** Name key → the part numbers (lower case) it names. */
const NAMES = new Map<string, Set<string>>();
const add = (name: string, partNumber: string) => {
  const key = nameKey(name);
  if (!NAMES.has(key)) NAMES.set(key, new Set());
  NAMES.get(key)!.add(partNumber.toLowerCase());
};
for (const product of PRODUCTS) for (const name of [product.skuPartNumber, ...namesOf(product)]) add(name, product.skuPartNumber);
for (const [name, partNumber] of Object.entries(LEGACY_LICENCE_NAMES)) add(name, partNumber);

/** The tenant's products as the model reads them: "Microsoft 365 E3 (SPE_E3), Exchange Online (Plan 1) (EXCHANGESTANDARD)". */
export function subscribedList(subscribed: SubscribedSku[]): string {
  return subscribed.length ? subscribed.map(productLabel).join(', ') : 'none';
}

/** The subscribed SKU a licence name means, or why none (the text names no field: the caller prefixes it). */
export function resolveLicence<T extends SubscribedSku>(name: string, subscribed: T[]): LicenceResolution<T> {
  const key = nameKey(name);
  const id = name.trim().toLowerCase();
  const theirs = `This tenant's products: ${subscribedList(subscribed)}.`;
  if (key.length < 2) return { error: `'${name}' names no product. ${theirs}` };
  // The tenant's own part numbers and ids first: they are exact.
  const direct = subscribed.find((s) => nameKey(s.skuPartNumber) === key || s.skuId.toLowerCase() === id);
  if (direct) return { sku: direct, product: productOf(direct.skuPartNumber) };
  const parts = new Set(NAMES.get(key) ?? []);
  const byId = productOf(id);
  if (byId && byId.skuId.toLowerCase() === id) parts.add(byId.skuPartNumber.toLowerCase());
  const candidates = [...parts].map((p) => productOf(p)!);
  if (candidates.length === 0) return { error: `'${name}' is no product this tenant subscribes to, nor one Microsoft's product table lists. ${theirs}` };
  if (candidates.length > 1) {
    const held = candidates.filter((c) => subscribed.some((s) => s.skuPartNumber.toLowerCase() === c.skuPartNumber.toLowerCase()));
    const hint = held.length ? ` This tenant has ${held.map((c) => productLabel(c)).join(' and ')}.` : ` ${theirs}`;
    return { error: `'${name}' could be ${candidates.map((c) => productLabel(c)).join(' or ')}: name one by its full name or part number.${hint}` };
  }
  const product = candidates[0];
  const sku = subscribed.find((s) => s.skuPartNumber.toLowerCase() === product.skuPartNumber.toLowerCase());
  if (!sku) return { error: `'${name}' is ${productLabel(product)}, which this tenant does not subscribe to. ${theirs}` };
  return { sku, product };
}
