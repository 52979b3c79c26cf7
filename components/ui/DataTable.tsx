import type { Key, ReactNode } from "react";

/** One column of a `DataTable`: its header and what it shows of each row. */
export type DataColumn<Row> = {
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  /** Figures: right-aligned, header included. */
  numeric?: boolean;
  /** The column that names each row: its cells are row headers (`<th scope="row">`), read out before every other cell. */
  namesRow?: boolean;
  /** Text as a person typed it (names): each cell takes the direction of its own script (`dir="auto"`). */
  typedText?: boolean;
};

/**
 * A table of records with the markup screen readers need and `.data-table`
 * styles: a header cell with `scope="col"` per column, one row per record,
 * an optional caption, and a footer row (totals) when given. With `empty`
 * (`null` for nothing), no rows show `empty` instead of a table with an
 * empty body.
 * Renders on the server: no client JavaScript.
 */
export function DataTable<Row>({
  columns,
  rows,
  rowKey,
  caption,
  empty,
  footer,
  id,
  labelledBy,
}: {
  columns: readonly DataColumn<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => Key;
  caption?: ReactNode;
  empty?: ReactNode;
  /** The `<tr>` of the table's footer. */
  footer?: ReactNode;
  id?: string;
  labelledBy?: string;
}) {
  if (rows.length === 0 && empty !== undefined) return empty;
  return (
    <table className="data-table" id={id} aria-labelledby={labelledBy}>
      {caption ? <caption>{caption}</caption> : null}
      <thead>
        <tr>
          {columns.map((column, index) => (
            <th key={index} scope="col" className={column.numeric ? "numeric" : undefined}>
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={rowKey(row)}>
            {columns.map((column, index) =>
              column.namesRow ? (
                <th key={index} scope="row" className={column.numeric ? "numeric" : undefined} dir={column.typedText ? "auto" : undefined}>
                  {column.cell(row)}
                </th>
              ) : (
                <td key={index} className={column.numeric ? "numeric" : undefined} dir={column.typedText ? "auto" : undefined}>
                  {column.cell(row)}
                </td>
              ),
            )}
          </tr>
        ))}
      </tbody>
      {footer ? <tfoot>{footer}</tfoot> : null}
    </table>
  );
}
