import { defineConfig } from 'vitest/config';

/*
 * Three projects: pure unit tests, integration tests against a real database (PGlite in
 * memory, or PostgreSQL when DATABASE_URL is set) and sockets on real ports, and browser
 * tests in Debian's Chromium against the built app.
 */
export default defineConfig({
	test: {
		projects: [
			{ test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
			{
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			},
			{
				test: {
					name: 'browser',
					include: ['tests/browser/**/*.test.ts'],
					testTimeout: 60_000,
					hookTimeout: 120_000,
					// One Chromium and one server at a time on a 2-core machine.
					fileParallelism: false
				}
			}
		]
	}
});
