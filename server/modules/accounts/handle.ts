/** `@handle` from a display name: "Aïssatou Diallo" → "aissatou-diallo". */
export function handleBase(displayName: string): string {
	const base = displayName
		.normalize('NFD')
		.replace(/\p{M}/gu, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 30)
		.replace(/-+$/, '');
	return base.length >= 2 ? base : `membre${base ? `-${base}` : ''}`;
}

/** The first of base, base-2, base-3… not in `taken`. */
export function firstFreeHandle(base: string, taken: Iterable<string>): string {
	const used = new Set(taken);
	if (!used.has(base)) return base;
	for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

export const HANDLE_PATTERN = /^[a-z0-9][a-z0-9-]{1,39}$/;
