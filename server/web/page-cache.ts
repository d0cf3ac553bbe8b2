import type { IncomingMessage, ServerResponse } from 'node:http';
import { SESSION_COOKIE } from '../auth/auth.ts';
import { LOCALE_COOKIE, negotiateLocale } from '../lib/locale.ts';
import { TZ_COOKIE } from '../modules/events/time-zones.ts';

/**
 * Anonymous page cache, in the manner of Discourse's: a reader who is not signed in gets
 * the same page as every other such reader, so a page rendered for one is served, already
 * compressed, to the others for a second or two. Signed-in readers always get a fresh
 * render (their pages carry unread state, forms, drafts). Any published change (a post, an
 * edit, a space narrowed…) empties the cache of this process at once; other processes of
 * a scaled-out deployment catch up within the TTL, which bounds how stale a public page
 * can be. Only public content reaches an anonymous page, so nothing private is ever kept.
 */
export interface PageCacheOptions {
	ttlMs: number;
	/** Entries kept; the oldest goes first. */
	maxEntries?: number;
	/** Larger responses are never kept. */
	maxBytes?: number;
}

interface Entry {
	status: number;
	headers: Record<string, string | string[]>;
	body: Buffer;
	expires: number;
	generation: number;
}

const NEVER_REPLAYED = new Set(['set-cookie', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

export class PageCache {
	private readonly entries = new Map<string, Entry>();
	private generation = 0;
	private readonly maxEntries: number;
	private readonly maxBytes: number;

	constructor(private readonly options: PageCacheOptions) {
		this.maxEntries = options.maxEntries ?? 500;
		this.maxBytes = options.maxBytes ?? 512 * 1024;
	}

	/** Drops every entry, and every render under way from being kept. */
	clear() {
		this.generation++;
		this.entries.clear();
	}

	get size() {
		return this.entries.size;
	}

	/**
	 * Serves `req` from the cache when it can (returns true), else arranges for the response
	 * about to be written to be kept if it is a plain anonymous 200 page. Call before the
	 * response is compressed, so what is kept is the compressed bytes.
	 */
	handle(req: IncomingMessage, res: ServerResponse): boolean {
		const key = this.options.ttlMs > 0 ? cacheKey(req) : null;
		if (!key) return false;
		const now = Date.now();
		const hit = this.entries.get(key);
		if (hit && hit.expires > now && hit.generation === this.generation) {
			res.writeHead(hit.status, { ...hit.headers, 'content-length': String(hit.body.length), 'x-palabre-cache': 'hit' });
			res.end(hit.body);
			return true;
		}
		if (hit) this.entries.delete(key);
		this.capture(key, res);
		return false;
	}

	private capture(key: string, res: ServerResponse) {
		const generation = this.generation;
		const chunks: Buffer[] = [];
		let size = 0;
		let keep = true;
		let status = 0;
		let headers: Record<string, string | string[]> = {};
		let setsCookie = false;

		const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
		const write = res.write.bind(res) as (...args: unknown[]) => boolean;
		const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
		const take = (chunk: unknown, encoding?: unknown) => {
			if (!keep || chunk === undefined || chunk === null || typeof chunk === 'function') return;
			const buffer = typeof chunk === 'string' ? Buffer.from(chunk, (encoding as BufferEncoding) || 'utf8') : (chunk as Buffer);
			size += buffer.length;
			if (size > this.maxBytes) keep = false;
			else chunks.push(Buffer.from(buffer));
		};

		res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
			res.setHeader('x-palabre-cache', 'miss');
			const result = writeHead(...args);
			status = res.statusCode;
			headers = replayable(res);
			setsCookie = res.hasHeader('set-cookie');
			return result;
		} as typeof res.writeHead;
		res.write = ((chunk: unknown, ...rest: unknown[]) => {
			take(chunk, rest[0]);
			return write(chunk, ...rest);
		}) as typeof res.write;
		res.end = ((chunk?: unknown, ...rest: unknown[]) => {
			take(chunk, rest[0]);
			if (!status) {
				status = res.statusCode;
				headers = replayable(res);
				setsCookie = res.hasHeader('set-cookie');
			}
			// A response that sets a cookie belongs to one visitor.
			if (keep && !setsCookie && generation === this.generation && cacheableResponse(status, headers)) {
				if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
				this.entries.set(key, {
					status,
					headers,
					body: Buffer.concat(chunks),
					expires: Date.now() + this.options.ttlMs,
					generation
				});
			}
			return end(chunk, ...rest);
		}) as typeof res.end;
	}
}

/** The key of an anonymous page request, or null when the request must be rendered afresh. */
function cacheKey(req: IncomingMessage): string | null {
	if (req.method !== 'GET') return null;
	const url = req.url ?? '/';
	if (url.startsWith('/api/') || url.startsWith('/_app/') || url.startsWith('/socket.io')) return null;
	const cookies = parseCookies(req.headers.cookie);
	if (cookies.has(SESSION_COOKIE)) return null;
	// SvelteKit's client-side navigations fetch the same route as data: cached alike.
	const locale = negotiateLocale({ cookie: cookies.get(LOCALE_COOKIE), acceptLanguage: req.headers['accept-language'] });
	const accept = String(req.headers['accept-encoding'] ?? '');
	const encoding = /\bbr\b/.test(accept) ? 'br' : /\bgzip\b/.test(accept) ? 'gzip' : 'identity';
	// Event times are printed in a visitor's own zone too (cookie set by the page's script).
	const zone = cookies.get(TZ_COOKIE)?.slice(0, 64) ?? '';
	return `${locale} ${zone} ${encoding} ${url}`;
}

function parseCookies(header: string | undefined): Map<string, string> {
	const cookies = new Map<string, string>();
	if (!header) return cookies;
	for (const part of header.split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
	}
	return cookies;
}

function replayable(res: ServerResponse): Record<string, string | string[]> {
	const headers: Record<string, string | string[]> = {};
	for (const [name, value] of Object.entries(res.getHeaders())) {
		if (value === undefined || NEVER_REPLAYED.has(name) || name === 'x-palabre-cache' || name === 'content-length') continue;
		headers[name] = Array.isArray(value) ? value : String(value);
	}
	return headers;
}

function cacheableResponse(status: number, headers: Record<string, string | string[]>): boolean {
	if (status !== 200) return false;
	const control = String(headers['cache-control'] ?? '');
	return !/\b(private|no-store)\b/.test(control);
}
