/** [-1 removed | 0 kept | 1 added, text] runs. */
export type DiffRun = [number, string];

const MAX_CELLS = 4_000_000;

/**
 * Word-level diff (longest common subsequence) for the revision history. Posts are short;
 * past a size where the table would be large, falls back to "all removed, all added".
 */
export function diffWords(before: string, after: string): DiffRun[] {
	const a = before.split(/(\s+)/).filter((t) => t !== '');
	const b = after.split(/(\s+)/).filter((t) => t !== '');
	if (a.length * b.length > MAX_CELLS)
		return merge([...(before ? [[-1, before] as DiffRun] : []), ...(after ? [[1, after] as DiffRun] : [])]);
	const rows = a.length + 1;
	const cols = b.length + 1;
	const lcs = new Uint32Array(rows * cols);
	for (let i = a.length - 1; i >= 0; i--) {
		for (let j = b.length - 1; j >= 0; j--) {
			lcs[i * cols + j] =
				a[i] === b[j] ? lcs[(i + 1) * cols + j + 1]! + 1 : Math.max(lcs[(i + 1) * cols + j]!, lcs[i * cols + j + 1]!);
		}
	}
	const runs: DiffRun[] = [];
	let i = 0;
	let j = 0;
	while (i < a.length && j < b.length) {
		if (a[i] === b[j]) {
			runs.push([0, a[i]!]);
			i++;
			j++;
		} else if (lcs[(i + 1) * cols + j]! >= lcs[i * cols + j + 1]!) runs.push([-1, a[i++]!]);
		else runs.push([1, b[j++]!]);
	}
	while (i < a.length) runs.push([-1, a[i++]!]);
	while (j < b.length) runs.push([1, b[j++]!]);
	return merge(runs);
}

function merge(runs: DiffRun[]): DiffRun[] {
	const out: DiffRun[] = [];
	for (const run of runs) {
		const last = out.at(-1);
		if (last && last[0] === run[0]) last[1] += run[1];
		else out.push([run[0], run[1]]);
	}
	return out;
}
