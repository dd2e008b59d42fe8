// A small RFC 4180 CSV reader for pasted user lists: a header row, commas, fields in double quotes
// may hold commas, newlines and doubled quotes (""), CRLF or LF line ends, a trailing newline.

export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvError';
  }
}

/** All records as arrays of fields; blank lines are skipped. */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let i = 0;
  const endRow = () => {
    row.push(field);
    if (!(row.length === 1 && row[0].trim() === '')) rows.push(row);
    row = [];
    field = '';
  };
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') {
        quoted = false;
        i++;
        if (i < text.length && !/[,\r\n]/.test(text[i])) throw new CsvError(`line ${line}: a character after a closing quote; double a quote inside a quoted field ("")`);
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      i++;
    } else if (c === ',') {
      row.push(field);
      field = '';
      i++;
    } else if (c === '\r' || c === '\n') {
      endRow();
      line++;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new CsvError(`line ${line}: a quoted field is not closed`);
  if (field !== '' || row.length) endRow();
  return rows;
}

/** Records as objects keyed by the header row (trimmed); every row must have the header's width. */
export function parseCsv(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsvRows(text.replace(/^\uFEFF/, ''));
  if (!header) throw new CsvError('the CSV is empty: give a header row (e.g. email,displayName,password,license) and one row per user');
  const keys = header.map((h) => h.trim());
  return rows.map((r, n) => {
    if (r.length !== keys.length) throw new CsvError(`row ${n + 2}: ${r.length} fields, the header has ${keys.length}`);
    return Object.fromEntries(keys.map((k, j) => [k, r[j].trim()]));
  });
}
