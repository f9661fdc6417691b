// Cells under a secret-named column: a query's CSV evidence (its first line names the columns) and a
// psql table in command output (a header line, then `----+----`). `select username, api_token from …`
// keeps the usernames and loses the tokens, whatever their shape. Lines are latin1 text, as the
// redactor handles them.

import { looksSecretAssignment } from './secretName.js';

const PSQL_SEPARATOR = /^[ \t]*-+(?:\+-+)+[ \t]*\r?$/;
const PSQL_SEPARATOR_IN_BLOCK = /^[ \t]*-+(?:\+-+)+[ \t]*\r?$/m;
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_ .-]*$/;

interface Table {
  columns: Set<number>;
  width: number;
}

/** A CSV line's fields with where each starts and ends; undefined when a quoted field runs on to the next line. */
function csvFields(line: string): Array<{ start: number; end: number; text: string }> | undefined {
  const fields: Array<{ start: number; end: number; text: string }> = [];
  let i = 0;
  for (;;) {
    const start = i;
    let text = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return undefined;
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            text += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += line[i++];
      }
    } else {
      while (i < line.length && line[i] !== ',') text += line[i++];
    }
    fields.push({ start, end: i, text });
    if (i >= line.length) return fields;
    if (line[i] !== ',') return undefined;
    i++;
  }
}

export class SecretColumns {
  private firstLine = true;
  private previous = '';
  private csv: Table | undefined;
  private psql: Table | undefined;

  /** Whether a block of lines needs looking at line by line. */
  needed(block: string): boolean {
    return this.firstLine || this.csv !== undefined || this.psql !== undefined || (block.includes('-+-') && PSQL_SEPARATOR_IN_BLOCK.test(block));
  }

  /** A block not looked at line by line: its last line may still be the header of a table that follows. */
  skip(block: string): void {
    const body = block.endsWith('\n') ? block.slice(0, -1) : block;
    this.previous = body.slice(body.lastIndexOf('\n') + 1).replace(/\r$/, '');
  }

  /** The line (with its newline, if any) with every cell under a secret-named column replaced by `marker`. */
  line(line: string, marker: string, count: () => void): string {
    const newline = line.endsWith('\r\n') ? '\r\n' : line.endsWith('\n') ? '\n' : '';
    const body = line.slice(0, line.length - newline.length);
    const first = this.firstLine;
    this.firstLine = false;
    let out = body;
    if (first) this.csv = this.csvHeader(body);
    else if (this.csv) out = this.csvRow(body, this.csv, marker, count);
    if (PSQL_SEPARATOR.test(body)) this.psql = this.psqlHeader(this.previous, body);
    else if (this.psql) {
      if (!body.trim() || /^\(\d+ rows?\)/.test(body.trim())) this.psql = undefined;
      else out = this.psqlRow(body, this.psql, marker, count);
    }
    this.previous = body;
    return out + newline;
  }

  private csvHeader(line: string): Table | undefined {
    const fields = csvFields(line.replace(/\r$/, ''));
    if (!fields || fields.length < 2 || !fields.every((f) => COLUMN_NAME.test(f.text))) return undefined;
    const columns = new Set(fields.flatMap((f, i) => (isSecretColumn(f.text) ? [i] : [])));
    return columns.size ? { columns, width: fields.length } : undefined;
  }

  private csvRow(line: string, table: Table, marker: string, count: () => void): string {
    const fields = csvFields(line);
    if (!fields || fields.length !== table.width) return line;
    let out = '';
    let at = 0;
    fields.forEach((field, i) => {
      if (!table.columns.has(i) || field.text === '') return;
      count();
      out += line.slice(at, field.start) + marker;
      at = field.end;
    });
    return out + line.slice(at);
  }

  private psqlHeader(header: string, separator: string): Table | undefined {
    const names = header.split('|').map((name) => name.trim());
    if (names.length !== separator.split('+').length || !names.every((name) => COLUMN_NAME.test(name))) return undefined;
    const columns = new Set(names.flatMap((name, i) => (isSecretColumn(name) ? [i] : [])));
    return columns.size ? { columns, width: names.length } : undefined;
  }

  private psqlRow(line: string, table: Table, marker: string, count: () => void): string {
    const cells = line.split('|');
    if (cells.length !== table.width) return line;
    return cells
      .map((cell, i) => {
        if (!table.columns.has(i) || !cell.trim()) return cell;
        count();
        return cell.replace(cell.trim(), marker);
      })
      .join('|');
  }
}

/** Whether a result column's values are secrets by its name (`password`, `api_token`, not `sort_key`). */
export function isSecretColumn(name: string): boolean {
  return looksSecretAssignment(name.trim());
}
