// Pasted user lists read with csv-parse (RFC 4180): a header row, commas, fields in double quotes may
// hold commas, newlines and doubled quotes (""), CRLF, LF or CR line ends, a byte order mark, blank
// lines. Errors name the line and field a person has to fix.
import { CsvError as CsvParseError, parse } from 'csv-parse/sync';
import type { Info } from 'csv-parse';

export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvError';
  }
}

interface Row {
  fields: string[];
  /** The line the record ends on (1-based). */
  line: number;
}

function readRows(text: string): Row[] {
  let records: Array<{ record: string[]; info: Info }>;
  try {
    // With info: true each record comes as {record, info}; the sync typings do not model that option.
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n', '\r'] }) as unknown as typeof records;
  } catch (error) {
    if (!(error instanceof CsvParseError)) throw error;
    const where = `line ${String(error.lines)}, field ${Number(error.column ?? 0) + 1}`;
    switch (String(error.code)) {
      case 'CSV_QUOTE_NOT_CLOSED':
        throw new CsvError(`${where}: a quoted field opened here is not closed`);
      case 'CSV_INVALID_CLOSING_QUOTE':
        throw new CsvError(`${where}: a character after a closing quote; double a quote inside a quoted field ("")`);
      case 'INVALID_OPENING_QUOTE':
        throw new CsvError(`${where}: a quote inside an unquoted field; quote the whole field and double the quote ("Jane ""JJ"" Doe")`);
      default:
        throw new CsvError(`${where}: ${error.message}`);
    }
  }
  // A line of spaces is blank too.
  return records
    .filter(({ record }) => !(record.length === 1 && record[0].trim() === ''))
    .map(({ record, info }) => ({ fields: record, line: info.lines }));
}

/** All records as arrays of fields; blank lines are skipped. */
export function parseCsvRows(text: string): string[][] {
  return readRows(text).map((r) => r.fields);
}

/**
 * Records as objects keyed by the header row (trimmed, then through `keysOf`, which may throw a
 * CsvError for headers it does not know); every row must have the header's width.
 */
export function parseCsv(text: string, keysOf: (headers: string[]) => string[] = (h) => h): Record<string, string>[] {
  const [header, ...rows] = readRows(text);
  if (!header) throw new CsvError('the CSV is empty: give a header row (e.g. email,displayName,password,license) and one row per user');
  const keys = keysOf(header.fields.map((h) => h.trim()));
  return rows.map((r, n) => {
    if (r.fields.length !== keys.length) throw new CsvError(`row ${n + 2}: ${r.fields.length} fields, the header has ${keys.length} (line ${r.line})`);
    return Object.fromEntries(keys.map((k, j) => [k, r.fields[j].trim()]));
  });
}
