// The CSV reader of bulk_provision_users: quoted fields with commas, quotes and newlines; errors that
// name the line or row.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CsvError, parseCsv, parseCsvRows } from '../../../mcp/tools/csv';

describe('parseCsv', () => {
  test('header row, quoted fields with commas, doubled quotes, newlines; CRLF; BOM; blank lines', () => {
    const text = '\uFEFFemail,displayName,department\r\njane@x.example,"Doe, Jane","R&D ""Labs"""\r\n\r\nbo@x.example,"Bo\nBo",\n';
    assert.deepEqual(parseCsv(text), [
      { email: 'jane@x.example', displayName: 'Doe, Jane', department: 'R&D "Labs"' },
      { email: 'bo@x.example', displayName: 'Bo\nBo', department: '' },
    ]);
  });

  test('mixed line ends, a lone CR, and a line of spaces', () => {
    assert.deepEqual(parseCsvRows('a,b\r\n1,2\n3,4\r5,6\n   \n'), [['a', 'b'], ['1', '2'], ['3', '4'], ['5', '6']]);
  });

  test('a last line without a newline, and an empty last field', () => {
    assert.deepEqual(parseCsvRows('a,b\n1,'), [['a', 'b'], ['1', '']]);
  });

  test('errors name where', () => {
    assert.throws(() => parseCsv('a,b\n1,2\n3,"4,5\n'), (e: unknown) => e instanceof CsvError && /line 3, field 2: a quoted field opened here is not closed/.test(e.message));
    assert.throws(() => parseCsv('a,b\n"1"x,2\n'), /line 2, field 1: a character after a closing quote/);
    assert.throws(() => parseCsv('a,b\n1,Jane "JJ" Doe\n'), /line 2, field 2: a quote inside an unquoted field/);
    assert.throws(() => parseCsv('a,b\n\n1,2,3\n'), /row 2: 3 fields, the header has 2 \(line 3\)/);
    assert.throws(() => parseCsv(''), /the CSV is empty/);
  });
});
