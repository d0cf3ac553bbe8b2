import adapter from '@sveltejs/adapter-node';

/** SvelteKit lives in web/; the root holds the one package.json. */
/** @type {import('@sveltejs/kit').Config} */
const config = {
	kit: {
		adapter: adapter({ out: 'build', precompress: true }),
		files: {
			src: 'web/src',
			assets: 'web/static'
		},
		alias: {
			$server: 'server',
			$db: 'db'
		},
		// Fastify checks Origin on every mutating request, form actions included, before
		// SvelteKit runs; SvelteKit's own check stays on as a second lock.
		csrf: { trustedOrigins: [] },
		csp: {
			// Hashes, not nonces: a page rendered once may be served again from the anonymous
			// page cache (server/web/page-cache.ts), and a replayed nonce protects nothing.
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self'],
				// SvelteKit's route announcer carries one inline style attribute
				// (sveltejs/kit#11993): allow exactly that one, never 'unsafe-inline'.
				'style-src-attr': ['unsafe-hashes', 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='],
				'img-src': ['self', 'data:'],
				'font-src': ['self'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		},
		version: { pollInterval: 0 }
	}
};

export default config;
