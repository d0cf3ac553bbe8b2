import type { IncomingMessage, ServerResponse } from 'node:http';
import { constants, createBrotliCompress, createGzip } from 'node:zlib';

const compressible = /^(text\/|application\/(json|javascript|xml|manifest\+json)|image\/svg)/;

/**
 * SvelteKit's hijacked responses bypass Fastify's compression, so dynamic pages are
 * compressed here: the first `writeHead` decides, then writes go through zlib. Static
 * assets are already precompressed by adapter-node and carry Content-Encoding: untouched.
 */
export function compressResponse(req: IncomingMessage, res: ServerResponse): void {
	const accept = String(req.headers['accept-encoding'] ?? '');
	const encoding = /\bbr\b/.test(accept) ? 'br' : /\bgzip\b/.test(accept) ? 'gzip' : null;
	if (!encoding || req.method === 'HEAD') return;

	const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
	const write = res.write.bind(res) as (...args: unknown[]) => boolean;
	const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;

	res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
		const status = args[0] as number;
		const headersArg = args.find((a, i) => i > 0 && typeof a === 'object' && a !== null) as
			Record<string, string | string[] | number> | undefined;
		const header = (name: string) => {
			if (headersArg) for (const [k, v] of Object.entries(headersArg)) if (k.toLowerCase() === name) return String(v);
			const v = res.getHeader(name);
			return v === undefined ? undefined : String(v);
		};
		const type = header('content-type') ?? '';
		if (status >= 200 && status !== 204 && status !== 304 && !header('content-encoding') && compressible.test(type)) {
			if (headersArg) {
				for (const k of Object.keys(headersArg)) if (k.toLowerCase() === 'content-length') delete headersArg[k];
			}
			res.removeHeader('content-length');
			res.setHeader('Content-Encoding', encoding);
			res.setHeader('Vary', 'Accept-Encoding');
			const zip =
				encoding === 'br' ? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) : createGzip({ level: 6 });
			zip.on('data', (chunk: Buffer) => write(chunk));
			zip.on('end', () => end());
			// Writers that wait for 'drain' (SvelteKit does past zlib's 16 KB buffer) must hear it.
			zip.on('drain', () => res.emit('drain'));
			res.write = ((chunk: unknown, ...rest: unknown[]) => {
				const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
				const enc = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined;
				return zip.write(typeof chunk === 'string' ? Buffer.from(chunk, enc) : (chunk as Buffer), cb);
			}) as typeof res.write;
			res.end = ((chunk?: unknown, ...rest: unknown[]) => {
				if (typeof chunk === 'function') {
					zip.end();
					return res;
				}
				const enc = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : undefined;
				if (chunk !== undefined && chunk !== null)
					zip.end(typeof chunk === 'string' ? Buffer.from(chunk, enc) : (chunk as Buffer));
				else zip.end();
				return res;
			}) as typeof res.end;
		}
		return writeHead(...args);
	} as typeof res.writeHead;
}
