/** `?next=` must stay on this site: a relative path, never `//host`, `/\host` or a scheme. */
export function safeNext(next: string | null | undefined, fallback = '/'): string {
	if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
	try {
		const base = 'http://palabre.invalid';
		const url = new URL(next, base);
		if (url.origin !== base) return fallback;
		return url.pathname + url.search + url.hash;
	} catch {
		return fallback;
	}
}
