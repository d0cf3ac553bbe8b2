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
			mode: 'auto',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self'],
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
