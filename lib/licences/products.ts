// Microsoft's "Product names and service plan identifiers for licensing" table (products.json, a
// subset; its header says which and from when), typed: the names a person uses for a licence beside
// the part numbers and ids Graph's subscribedSkus answers with.
import table from './products.json' with { type: 'json' };

export interface Product {
  /** The table's String ID, Graph's skuPartNumber (e.g. SPB). */
  skuPartNumber: string;
  /** The table's GUID, Graph's skuId. */
  skuId: string;
  /** The table's Product name (e.g. Microsoft 365 Business Premium). */
  productName: string;
}

export interface ProductTable {
  title: string;
  source: string;
  /** When Microsoft published the version of the table the rows come from. */
  published: string;
  note: string;
  products: Product[];
}

export const PRODUCT_TABLE: ProductTable = table;
export const PRODUCTS: readonly Product[] = PRODUCT_TABLE.products;

const byPart = new Map(PRODUCTS.map((p) => [p.skuPartNumber.toLowerCase(), p]));
const byId = new Map(PRODUCTS.map((p) => [p.skuId.toLowerCase(), p]));

/** The table's row for a part number or skuId (either case), if the table has it. */
export function productOf(partNumberOrId: string): Product | undefined {
  const key = partNumberOrId.toLowerCase();
  return byPart.get(key) ?? byId.get(key);
}

/** "Microsoft 365 Business Standard (O365_BUSINESS_PREMIUM)", or the part number alone when the table lacks it. */
export function productLabel(sku: { skuPartNumber: string; skuId?: string }): string {
  const product = byPart.get(sku.skuPartNumber.toLowerCase()) ?? (sku.skuId ? byId.get(sku.skuId.toLowerCase()) : undefined);
  return product ? `${product.productName} (${sku.skuPartNumber})` : sku.skuPartNumber;
}
