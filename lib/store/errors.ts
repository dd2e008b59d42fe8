// Errors the store raises on purpose. Their messages say what to do; none carries the key.

/** The key is missing or does not open the database file. */
export class StoreKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreKeyError';
  }
}
