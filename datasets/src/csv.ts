import { MurmurError } from '@murmur/core';

/**
 * CSV reading for the dataset files. Small index files go through `parseCsv` (quoted fields, named
 * columns, typed accessors that name file, line and column on error). Large signal files go through
 * `CsvCursor`, which parses numbers straight from the bytes without building strings per field.
 */

const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const POW10: number[] = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** A plain decimal number: optional sign, digits with an optional fraction, an optional exponent. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The value of one CSV cell that must be a number. Only plain decimals are numbers: an empty cell, spaces,
 * hex (`0x10`), `Infinity`, `NaN` or a number too large for a double are errors naming the file, line and
 * column (`Number()` would take most of them).
 */
export function decimalCell(text: string, where: { file: string; line: number; column: string }): number {
  const at = { file: where.file, line: where.line, field: where.column };
  if (text === '') throw new MurmurError('empty cell, expected a number', at);
  if (!DECIMAL.test(text)) throw new MurmurError(`expected a number, got '${text}'`, at);
  const value = Number(text);
  if (!Number.isFinite(value)) throw new MurmurError(`number out of range: '${text}'`, at);
  return value;
}

/** One row of a parsed table with accessors that report the file, line and column of a bad value. */
export class CsvRow {
  constructor(
    private readonly table: CsvTable,
    readonly cells: string[],
    /** 1-based line number in the file. */
    readonly line: number,
  ) {}

  /** The raw text of a column. */
  str(column: string): string {
    return this.cells[this.table.index(column)] ?? '';
  }

  /** A plain decimal number (see `decimalCell`); anything else is an error naming the cell. */
  num(column: string): number {
    return decimalCell(this.str(column), { file: this.table.file, line: this.line, column });
  }

  /** A number, or null where the cell holds exactly `nullToken` (e.g. `NA`). */
  numOrNull(column: string, nullToken = 'NA'): number | null {
    return this.str(column) === nullToken ? null : this.num(column);
  }

  /** A non-negative integer. */
  int(column: string): number {
    const value = this.num(column);
    if (!Number.isInteger(value) || value < 0) {
      throw new MurmurError(`expected a non-negative integer, got '${this.str(column)}'`, {
        file: this.table.file,
        line: this.line,
        field: column,
      });
    }
    return value;
  }

  /** An error located at this row (and optionally a column). */
  error(message: string, column?: string): MurmurError {
    return new MurmurError(message, { file: this.table.file, line: this.line, field: column });
  }
}

/** A small CSV file read whole: header plus rows. */
export class CsvTable {
  readonly rows: CsvRow[] = [];
  private readonly columns = new Map<string, number>();

  constructor(
    readonly file: string,
    readonly header: string[],
  ) {
    header.forEach((name, i) => this.columns.set(name, i));
  }

  /** Throws unless every named column is present. */
  require(...names: string[]): this {
    for (const name of names) this.index(name);
    return this;
  }

  index(column: string): number {
    const i = this.columns.get(column);
    if (i === undefined) {
      throw new MurmurError(`missing column '${column}' (header: ${this.header.join(',')})`, {
        file: this.file,
        line: 1,
      });
    }
    return i;
  }
}

/** Splits one CSV line into fields, honouring double quotes (`""` is an escaped quote). */
function splitLine(text: string): string[] {
  if (!text.includes('"')) return text.split(',');
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

/** Parses a CSV text with a header row. Blank lines are skipped; rows with the wrong field count are errors. */
export function parseCsv(text: string, file: string): CsvTable {
  const lines = text.split(/\r?\n/);
  let first = 0;
  while (first < lines.length && lines[first]!.trim() === '') first++;
  if (first === lines.length) throw new MurmurError('empty CSV file (no header row)', { file });
  const table = new CsvTable(
    file,
    splitLine(lines[first]!.replace(/^\uFEFF/, '')).map((h) => h.trim()),
  );
  for (let i = first + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const cells = splitLine(line);
    if (cells.length !== table.header.length) {
      throw new MurmurError(`expected ${table.header.length} fields, found ${cells.length}`, {
        file,
        line: i + 1,
      });
    }
    table.rows.push(new CsvRow(table, cells, i + 1));
  }
  return table;
}

/**
 * A forward-only reader over the bytes of a CSV file with a header row. Call `header()` once, then per
 * row `number()`/`string()` for each field and `endRow()`. Numbers are parsed from the digits directly
 * (exactly as `Number()` would for up to 15 significant digits; longer ones fall back to `Number()`).
 */
export class CsvCursor {
  private pos = 0;
  /** 1-based line number of the row being read. */
  line = 1;

  constructor(
    private readonly buf: Uint8Array,
    readonly file: string,
  ) {}

  /** Reads the header row and returns its names (trimmed). */
  readHeader(): string[] {
    let end = this.buf.indexOf(LF, this.pos);
    if (end < 0) end = this.buf.length;
    const text = this.text(this.pos, end)
      .replace(/^\uFEFF/, '')
      .replace(/\r$/, '');
    this.pos = Math.min(end + 1, this.buf.length);
    this.line = 2;
    this.skipBlankLines();
    return text.split(',').map((s) => s.trim());
  }

  /** Reads the header row and checks it equals `expected` (names in order). */
  header(expected: readonly string[]): void {
    const names = this.readHeader();
    if (names.join(',') !== expected.join(',')) {
      throw new MurmurError(`expected header '${expected.join(',')}', found '${names.join(',')}'`, {
        file: this.file,
        line: 1,
      });
    }
  }

  /** True when no rows are left. */
  atEnd(): boolean {
    return this.pos >= this.buf.length;
  }

  private skipBlankLines(): void {
    const buf = this.buf;
    while (this.pos < buf.length && (buf[this.pos] === LF || buf[this.pos] === CR)) {
      if (buf[this.pos] === LF) this.line++;
      this.pos++;
    }
  }

  private fieldEnd(from: number): number {
    const buf = this.buf;
    let i = from;
    while (i < buf.length) {
      const c = buf[i]!;
      if (c === COMMA || c === LF || c === CR) break;
      i++;
    }
    return i;
  }

  private text(from: number, to: number): string {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + from, to - from).toString('utf8');
  }

  /** Consumes the delimiter after a field that ended at `end`; a row end is only allowed when `last`. */
  private consume(end: number, last: boolean, column: string): void {
    const c = end < this.buf.length ? this.buf[end] : LF;
    if (last) {
      if (c === COMMA) throw new MurmurError('too many fields', { file: this.file, line: this.line });
      this.pos = end;
    } else {
      if (c !== COMMA) {
        throw new MurmurError(`too few fields: the row ends after '${column}'`, {
          file: this.file,
          line: this.line,
        });
      }
      this.pos = end + 1;
    }
  }

  /**
   * The next field as a plain decimal number (see `decimalCell`). An empty (or `NaN`) field is NaN when
   * `allowEmpty`, otherwise an error. `last` marks the final field of the row.
   */
  number(column: string, last = false, allowEmpty = false): number {
    const buf = this.buf;
    const start = this.pos;
    let i = start;
    let c = buf[i];
    let negative = false;
    if (c === MINUS || c === PLUS) {
      negative = c === MINUS;
      c = buf[++i];
    }
    let mantissa = 0;
    let digits = 0;
    let scale = 0;
    while (c !== undefined && c >= ZERO && c <= NINE) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
      c = buf[++i];
    }
    if (c === DOT) {
      c = buf[++i];
      while (c !== undefined && c >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        scale++;
        c = buf[++i];
      }
    }
    let value: number;
    if (digits > 0 && digits <= 15 && (c === COMMA || c === LF || c === CR || c === undefined)) {
      value = scale ? mantissa / POW10[scale]! : mantissa;
      if (negative) value = -value;
    } else {
      i = this.fieldEnd(start);
      const text = this.text(start, i);
      if (allowEmpty && (text === '' || text.toLowerCase() === 'nan')) value = NaN;
      else value = decimalCell(text, { file: this.file, line: this.line, column });
    }
    this.consume(i, last, column);
    return value;
  }

  /** The next field as text (no quoting: signal files never quote). */
  string(column: string, last = false): string {
    const end = this.fieldEnd(this.pos);
    const text = this.text(this.pos, end);
    this.consume(end, last, column);
    return text;
  }

  /** True when the next field's bytes equal `bytes` (without consuming it). */
  nextFieldEquals(bytes: Uint8Array): boolean {
    const buf = this.buf;
    const n = bytes.length;
    if (this.pos + n > buf.length) return false;
    for (let k = 0; k < n; k++) if (buf[this.pos + k] !== bytes[k]) return false;
    const c = buf[this.pos + n];
    return c === COMMA || c === LF || c === CR || c === undefined;
  }

  /** Skips the next field (which must have been checked with `nextFieldEquals`). */
  skipField(column: string, last = false): void {
    this.consume(this.fieldEnd(this.pos), last, column);
  }

  /** Finishes the current row: expects a line end (or the end of the file). */
  endRow(): void {
    const buf = this.buf;
    if (this.pos < buf.length) {
      if (buf[this.pos] === CR) this.pos++;
      if (this.pos < buf.length && buf[this.pos] !== LF) {
        throw new MurmurError('unexpected text after the last field', { file: this.file, line: this.line });
      }
      this.pos++;
      this.line++;
    }
    this.skipBlankLines();
  }
}
