/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break — and a
 * semicolon or edge spaces too, so that French Excel (which splits on `;`) and trimming
 * readers keep the value whole.
 */
export function csvField(value: string): string {
	return /[",;\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Text typed by members (thread titles, names, reasons) must not run as a spreadsheet
 * formula when the file is opened: a leading = + - @ is defused with an apostrophe (OWASP).
 */
export function inert(value: string): string {
	return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** One line of member-typed cells: each defused, then quoted as needed; no line break. */
export function csvLine(cells: string[]): string {
	return cells.map((cell) => csvField(inert(cell))).join(',');
}

/** Put first in a CSV file so that spreadsheet programs read it as UTF-8 (accents). */
export const CSV_BOM = '\uFEFF';
