import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningServer {
	/** The public origin the app was started with: `http://127.0.0.1:<port>` unless given. */
	origin: string;
	/** Where it listens, `http://127.0.0.1:<port>` (= origin unless a public origin was given). */
	url: string;
	/** The server's own process id (for /proc/<pid>/status in benchmarks). */
	pid: number;
	stop(): Promise<void>;
}

export interface StartOptions {
	timeoutMs?: number;
	/** Several processes behind one load balancer share one public origin (default: their own address). */
	publicOrigin?: string;
	/** `REDIS_URL` of the process (unset by default, whatever the caller's environment says). */
	redisUrl?: string;
	/** A folder shared with other processes (kept on stop); default: a fresh one, removed on stop. */
	dataDir?: string;
	/** Seed the demo data into DATABASE_URL first (default true; the browser tests read it). */
	seed?: boolean;
	/** Further environment variables of the process. */
	env?: NodeJS.ProcessEnv;
}

/** A port nobody listens on right now (the OS picks it; released before the app binds it). */
export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			probe.close(() => resolve(port));
		});
	});
}

/**
 * Starts the built app as production runs it (`node --import tsx server/main.ts`) on a
 * free loopback port: a fresh PGlite folder (seeded by the app itself), or the
 * PostgreSQL database of DATABASE_URL, seeded here first since the app never seeds a
 * real server. Resolves once /api/health answers 200.
 */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
	if (!existsSync(join(root, 'build', 'handler.js'))) {
		throw new Error('build/handler.js is missing: run `npm run build` before the tests that start the built app.');
	}
	const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
	const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'palabre-browser-'));
	if (databaseUrl && options.seed !== false) await seedPostgres(databaseUrl, dataDir);

	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const origin = options.publicOrigin ?? url;
	const env: NodeJS.ProcessEnv = { ...process.env };
	for (const key of ['DATABASE_URL', 'REDIS_URL', 'COOKIE_SECURE', 'ORIGIN']) delete env[key];
	Object.assign(env, {
		PORT: String(port),
		HOST: '127.0.0.1',
		PUBLIC_ORIGIN: origin,
		DATA_DIR: dataDir,
		LOG_LEVEL: 'warn',
		// No background jobs: on a PostgreSQL shared with the integration tests they would send
		// reminders about those tests' events (set JOBS_INTERVAL_SECONDS in `env` to have them).
		JOBS_INTERVAL_SECONDS: '0',
		...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
		...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
		...options.env
	});

	const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
		cwd: root,
		env,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	const keep = (chunk: Buffer) => {
		output = (output + chunk.toString()).slice(-8000);
	};
	child.stdout.on('data', keep);
	child.stderr.on('data', keep);
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	let running = true;
	void exited.then(() => (running = false));

	const stop = async () => {
		if (running) {
			child.kill('SIGTERM');
			const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
			await exited;
			clearTimeout(killer);
		}
		if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
	};

	const deadline = Date.now() + (options.timeoutMs ?? 30_000);
	try {
		for (;;) {
			if (!running) throw new Error(`the app exited with code ${await exited}`);
			if (Date.now() > deadline) throw new Error(`no 200 from ${url}/api/health within the time allowed`);
			const healthy = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) })
				.then((r) => r.status === 200)
				.catch(() => false);
			if (healthy) return { origin, url, pid: child.pid!, stop };
			await new Promise((r) => setTimeout(r, 150));
		}
	} catch (error) {
		await stop();
		throw new Error(`Palabre did not start: ${(error as Error).message}\n--- app output ---\n${output}`);
	}
}

async function seedPostgres(databaseUrl: string, dataDir: string): Promise<void> {
	const { openDatabase } = await import('../../db/client.ts');
	const { seedDemo } = await import('../../db/seed/demo.ts');
	const { attachmentStorage } = await import('../../server/lib/storage.ts');
	// Two connections at least: openDatabase holds one for its migration lock while migrating on another.
	const database = await openDatabase({ databaseUrl, max: 2 });
	try {
		await seedDemo(database.db, attachmentStorage(dataDir));
	} finally {
		await database.close();
	}
}
