import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery guard for every state-changing request, API route or
 * SvelteKit form action alike, whatever its Content-Type. Browsers send `Origin` on every
 * POST; when they don't (old ones), `Sec-Fetch-Site` says the same. A request with neither
 * comes from a non-browser client, which cannot carry someone else's cookie.
 */
export function isForeignRequest(request: Pick<FastifyRequest, 'method' | 'headers'>, publicOrigin: string): boolean {
	if (SAFE_METHODS.has(request.method)) return false;
	const origin = request.headers.origin;
	if (origin !== undefined) return origin !== publicOrigin;
	const site = request.headers['sec-fetch-site'];
	if (site !== undefined) return site !== 'same-origin' && site !== 'none';
	return false;
}

/** Headers every response carries; HTML pages add their CSP in SvelteKit (script hashes). */
export function registerSecurity(app: FastifyInstance, publicOrigin: string) {
	app.addHook('onRequest', async (request, reply) => {
		// Set on the raw response so hijacked SvelteKit responses keep them too.
		const raw = reply.raw;
		raw.setHeader('X-Content-Type-Options', 'nosniff');
		// Hashed scripts and styles are never documents: the document-only headers would cost
		// ~120 bytes on each of the page's two dozen asset responses, on metered links.
		if (request.url.startsWith('/_app/immutable/')) return;
		raw.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
		raw.setHeader('X-Frame-Options', 'DENY');
		raw.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
		if (request.url.startsWith('/api/')) {
			raw.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
			raw.setHeader('Cache-Control', 'private, no-store');
		}
		if (isForeignRequest(request, publicOrigin)) {
			throw new AppError(403, 'foreign_origin', 'error_foreign_origin');
		}
	});
}
