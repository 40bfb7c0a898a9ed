/**
 * A client's free-form map (job metadata) in a DynamoDB item. The document
 * marshaller builds maps key by key (a `__proto__` key is lost) and refuses
 * an object whose own `constructor` is a string, so such a map is stored as
 * a list of `[key, value]` pairs and rebuilt with Object.fromEntries, which
 * keeps every name as an own key. Items written before hold a plain map,
 * which is read as it is.
 */
type ClientMap = Readonly<Record<string, string>>;

export const mapToPairs = (map: ClientMap): [string, string][] => Object.entries(map);

export function mapFromStored(stored: unknown): Record<string, string> {
  return Array.isArray(stored) ? Object.fromEntries(stored as [string, string][]) : (stored as Record<string, string>);
}

/** The same object with its `metadata` (when there is one) in stored form. */
export function withStoredMetadata<T extends { metadata?: unknown } | undefined>(value: T): T {
  if (value?.metadata === undefined || value.metadata === null) return value;
  return { ...value, metadata: mapToPairs(value.metadata as ClientMap) };
}

/** The object with its stored `metadata` rebuilt. */
export function withClientMetadata<T extends { metadata?: unknown } | undefined>(value: T): T {
  if (value?.metadata === undefined || value.metadata === null) return value;
  return { ...value, metadata: mapFromStored(value.metadata) };
}
