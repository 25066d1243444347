// Bank statement import answers (POST /payments/import): a 422 names problems as rows[<n>].<column>,
// n being the row number in the file (header = 1), so people can find the line in their file.

/** A statement problem as "row 5 amount: …" (rows[5].amount); file-level ones as they are. */
export function statementIssues(
  details: { field?: string; issue: string }[],
): { row: number | null; column: string | null; issue: string }[] {
  return details.map((d) => {
    const m = /^rows\[(\d+)\]\.(\w+)$/.exec(d.field ?? '');
    return m
      ? { row: Number(m[1]), column: m[2] ?? null, issue: d.issue }
      : { row: null, column: null, issue: d.issue };
  });
}
