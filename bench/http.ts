/**
 * `npm run bench:http [-- --duration 10 --connections 20]`
 *
 * Starts the built app as a real process on embedded PGlite, then measures GET /api/health
 * and the home page with autocannon. Prints a table, compares with the reference, and ends
 * with one JSON line. A benchmark, not a test: it never fails on a figure.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({
	options: {
		duration: { type: 'string', default: '10' },
		connections: { type: 'string', default: '20' }
	}
});
const duration = Number(values.duration);
const connections = Number(values.connections);

/** NodeBB renders 58 topic pages a second on this kind of machine; the brief asks for 10×. */
const REFERENCE_PAGES_PER_SECOND = 58 * 10;

if (!existsSync('build/handler.js')) {
	console.error('Run `npm run build` first (bench:http measures the built app).');
	process.exit(1);
}

const port = await new Promise<number>((resolve) => {
	const probe = createServer().listen(0, '127.0.0.1', () => {
		const { port } = probe.address() as { port: number };
		probe.close(() => resolve(port));
	});
});
const origin = `http://127.0.0.1:${port}`;
const dataDir = mkdtempSync(join(tmpdir(), 'palabre-bench-'));
const env: NodeJS.ProcessEnv = {
	...process.env,
	PORT: String(port),
	HOST: '127.0.0.1',
	PUBLIC_ORIGIN: origin,
	DATA_DIR: dataDir,
	LOG_LEVEL: 'warn'
};
delete env.DATABASE_URL;
delete env.REDIS_URL;
const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'ignore', 'inherit'] });

async function waitForHealth() {
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		try {
			if ((await fetch(`${origin}/api/health`)).ok) return;
		} catch {
			/* not yet listening */
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error('server did not become healthy');
}

async function measure(path: string) {
	// Browsers ask for compressed pages; so does the benchmark.
	const headers = { 'accept-encoding': 'br, gzip', 'accept-language': 'fr' };
	await autocannon({ url: origin + path, connections, duration: 2, headers }); // warm-up
	const result = await autocannon({ url: origin + path, connections, duration, headers });
	return {
		path,
		requestsPerSecond: Math.round(result.requests.average),
		p99Ms: result.latency.p99,
		bytesPerRequest: Math.round(result.throughput.average / Math.max(1, result.requests.average)),
		non2xx: result.non2xx
	};
}

try {
	await waitForHealth();
	const health = await measure('/api/health');
	const home = await measure('/');
	console.log(`\nPalabre HTTP benchmark — ${duration}s per route, ${connections} connections, PGlite\n`);
	console.log('route            req/s     p99 (ms)   bytes/req   non-2xx');
	for (const r of [health, home]) {
		console.log(
			`${r.path.padEnd(16)} ${String(r.requestsPerSecond).padStart(6)} ${String(r.p99Ms).padStart(11)} ${String(r.bytesPerRequest).padStart(11)} ${String(r.non2xx).padStart(9)}`
		);
	}
	const ratio = home.requestsPerSecond / REFERENCE_PAGES_PER_SECOND;
	console.log(
		`\nHome page: ${home.requestsPerSecond} pages/s vs reference ${REFERENCE_PAGES_PER_SECOND} (10 × NodeBB's 58) → ×${ratio.toFixed(2)}\n`
	);
	console.log(
		JSON.stringify({
			bench: 'http',
			durationSeconds: duration,
			connections,
			health: { rps: health.requestsPerSecond, p99Ms: health.p99Ms },
			home: { rps: home.requestsPerSecond, p99Ms: home.p99Ms, bytes: home.bytesPerRequest },
			referenceHomeRps: REFERENCE_PAGES_PER_SECOND
		})
	);
} finally {
	server.kill('SIGTERM');
	await new Promise((r) => server.once('exit', r));
	rmSync(dataDir, { recursive: true, force: true });
}
