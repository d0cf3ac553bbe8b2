import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { compressResponse } from './compress.ts';
import type { PageCache } from './page-cache.ts';

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

const CLIENT_IP_HEADER = 'x-palabre-client-ip';

const buildHandler = fileURLToPath(new URL('../../build/handler.js', import.meta.url));

/**
 * Hashed assets are cached for a year and never revalidated (`immutable`): their ETag and
 * Last-Modified would only add ~80 bytes to each of a page's two dozen asset responses.
 */
function dropRevalidators(res: ServerResponse) {
	const writeHead = res.writeHead.bind(res) as (status: number, headers?: Record<string, unknown>) => ServerResponse;
	res.writeHead = ((status: number, headers?: Record<string, unknown>) => {
		if (headers) {
			delete headers['ETag'];
			delete headers['Last-Modified'];
		}
		return writeHead(status, headers);
	}) as ServerResponse['writeHead'];
}

/**
 * Every path Fastify's own routes don't claim goes to SvelteKit. Registered in its own
 * encapsulated plugin without content-type parsers, so form bodies reach SvelteKit intact.
 */
export async function mountWeb(app: FastifyInstance, options: { publicOrigin: string; dev: boolean; pageCache: PageCache }) {
	let handler: NodeHandler;
	let closeDev: (() => Promise<void>) | undefined;

	if (options.dev) {
		const { createServer } = await import('vite');
		const vite = await createServer({
			server: { middlewareMode: true, hmr: { server: app.server } },
			appType: 'custom'
		});
		handler = vite.middlewares as unknown as NodeHandler;
		closeDev = () => vite.close();
	} else {
		if (!existsSync(buildHandler)) {
			throw new Error('Interface web non construite : lancez `npm run build` (web build missing: run `npm run build`).');
		}
		// adapter-node reads these when its handler loads. ORIGIN: SvelteKit's own URL and CSRF
		// check. ADDRESS_HEADER: getClientAddress() returns the IP Fastify computed (with its
		// proxy trust), so form actions and the API rate-limit the same client under one key.
		process.env.ORIGIN = options.publicOrigin;
		process.env.ADDRESS_HEADER = CLIENT_IP_HEADER;
		// adapter-node refuses bodies over BODY_SIZE_LIMIT (default 512K): a fiche's attachment
		// form carries up to 10 MB (MAX_ATTACHMENT_BYTES) plus its multipart wrapping. Fastify's
		// 64 KiB limit does not apply here: the web plugin below never reads bodies.
		process.env.BODY_SIZE_LIMIT ??= '11M';
		handler = ((await import(/* @vite-ignore */ buildHandler)) as { handler: NodeHandler }).handler;
	}

	await app.register(async (web) => {
		web.removeAllContentTypeParsers();
		web.addContentTypeParser('*', (_request, _payload, done) => done(null));
		web.all('/*', (request, reply) => {
			reply.hijack();
			// Overwrites whatever a client sent under this name.
			request.raw.headers[CLIENT_IP_HEADER] = request.ip;
			if (options.pageCache.handle(request.raw, reply.raw)) return;
			if (request.url.startsWith('/_app/immutable/')) dropRevalidators(reply.raw);
			else compressResponse(request.raw, reply.raw);
			handler(request.raw, reply.raw, () => {
				reply.raw.statusCode = 404;
				reply.raw.end('Not found');
			});
		});
	});

	if (closeDev) app.addHook('onClose', closeDev);
}
