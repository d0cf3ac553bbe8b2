/**
 * `npm run bench:chat [-- --sockets 2000 --rate 20 --seconds 20 --senders 40 --processes 1]`
 *
 * One live room under load, against the built app started as production runs it (a fresh
 * embedded PGlite, or DATABASE_URL when set; with `--processes 2`, two processes sharing
 * DATABASE_URL and REDIS_URL, the sockets split between them):
 *   - `--sockets` members, each signed in with their own session and registered, connect
 *     (websocket transport, as browsers do) and watch the room;
 *   - `--senders` of them (real participants, default 2 × rate so that each stays within
 *     the room's rate limit of 10 lines per 10 s) post `--rate` messages per second in
 *     turn for `--seconds`, each with its own clientKey;
 *   - every socket receives every message: delivery latency (from the sender's emit to
 *     each receipt, one clock: the bench's), messages lost (expected deliveries − received,
 *     must be 0), duplicates and out-of-order arrivals, server memory per socket (RSS before
 *     and after connecting the sockets, /proc/<pid>/status) and server CPU over the sending
 *     window (/proc/<pid>/stat utime + stime).
 * The members, the event and the registrations are written straight into the database
 * first (PGlite has one owner at a time). Prints a table and ends with one JSON line. A
 * benchmark, not a test: it never fails on a figure. The bench client and the server share
 * the machine's cores, and the client's own work (decoding every delivery) is in the
 * latency: on a small machine the figures are a floor on what a server alone would do.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { eq, inArray } from 'drizzle-orm';
import { io, type Socket } from 'socket.io-client';
import { openDatabase, type Database } from '../db/client.ts';
import { eventPeople, eventRegistrations, events, organisations, sessions, spaces, users } from '../db/schema/index.ts';
import { SESSION_COOKIE } from '../server/auth/auth.ts';
import { newSessionToken } from '../server/auth/session-token.ts';
import type { ClientToServerEvents, RoomMessage, RoomWatchResult, ServerToClientEvents } from '../server/realtime/events.ts';
import { startServer, type RunningServer } from '../tests/helpers/server-process.ts';

const { values } = parseArgs({
	options: {
		sockets: { type: 'string', default: '2000' },
		rate: { type: 'string', default: '20' },
		seconds: { type: 'string', default: '20' },
		senders: { type: 'string' },
		processes: { type: 'string', default: '1' }
	}
});
const socketCount = Number(values.sockets);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const processCount = Number(values.processes);
const senderCount = Math.min(socketCount, Number(values.senders ?? Math.max(1, Math.ceil(rate * 2))));
const plannedMessages = Math.round(rate * seconds);

/* Reference and goals. */
/** A line should feel live to everyone in the room, before the network's own delay. */
const GOAL_P99_MS = 500;
/** 2,000 participants in 100 MB of server memory. */
const GOAL_BYTES_PER_SOCKET = 50 * 1024;
/**
 * socket.io alone on one core of a c5a.xlarge sends about 30,000 1 KB messages a second
 * (github.com/ezioda004/benchmark-socketio-uwebsockets): ≈ 33 µs of CPU per delivery.
 */
const REFERENCE_CPU_US_PER_DELIVERY = 33;

const ORIGIN = 'http://palabre.bench';

function fail(message: string): never {
	console.error(message);
	process.exit(1);
}

if (!existsSync('build/handler.js')) fail('Run `npm run build` first (bench:chat measures the built app).');
if (![socketCount, rate, seconds, senderCount].every((n) => Number.isFinite(n) && n > 0))
	fail('--sockets, --rate, --seconds and --senders must be positive numbers.');
const databaseUrl = process.env.DATABASE_URL || undefined;
const redisUrl = process.env.REDIS_URL || undefined;
if (processCount !== 1 && processCount !== 2) fail('--processes is 1 or 2.');
if (processCount === 2 && !(databaseUrl && redisUrl))
	fail('--processes 2 needs DATABASE_URL and REDIS_URL (several processes share PostgreSQL and Redis).');

/** Each socket is a file descriptor on both sides; the server inherits our limit. */
function openFilesLimit(): number {
	const line = readFileSync('/proc/self/limits', 'utf8')
		.split('\n')
		.find((l) => l.startsWith('Max open files'));
	const soft = line?.split(/\s{2,}/)[1];
	return soft === 'unlimited' || soft === undefined ? Infinity : Number(soft);
}
const fdLimit = openFilesLimit();
if (fdLimit < socketCount + 200)
	fail(`${socketCount} sockets need more open files than the limit (${fdLimit}): run \`ulimit -n ${socketCount + 1024}\` first.`);

const run = randomUUID().slice(0, 8);

/* Seed: members with sessions, a public space, an event whose room is open, registrations. */

interface Seeded {
	orgId: string;
	spaceId: string;
	eventId: string;
	userIds: string[];
	cookies: string[];
}

async function seed(db: Database): Promise<Seeded> {
	const [org] = await db
		.insert(organisations)
		.values({ name: `Union de banc d’essai ${run}`, type: 'federation_mutuelles', country: 'SN' })
		.returning({ id: organisations.id });
	const [space] = await db
		.insert(spaces)
		.values({
			slug: `salle-${run}`,
			name: `Webinaires ${run}`,
			visibility: 'public',
			description: 'Espace de mesure.',
			descriptionHtml: '<p>Espace de mesure.</p>'
		})
		.returning({ id: spaces.id });
	const userIds: string[] = [];
	const cookies: string[] = [];
	const now = new Date();
	for (let from = 0; from < socketCount; from += 500) {
		const batch = Array.from({ length: Math.min(500, socketCount - from) }, (_, k) => ({
			email: `chat-${run}-${from + k}@bench.example`,
			displayName: `Participant·e ${from + k + 1}`,
			handle: `chat-${run}-${from + k}`,
			// Nobody logs in with a password: the sessions are written below.
			passwordHash: 'bench',
			organisationId: org!.id,
			country: 'SN'
		}));
		const rows = await db.insert(users).values(batch).returning({ id: users.id });
		const tokens = rows.map(() => newSessionToken());
		await db.insert(sessions).values(
			rows.map((row, k) => ({
				id: tokens[k]!.id,
				secretHash: tokens[k]!.secretHash,
				userId: row.id,
				lastSeenAt: now,
				expiresAt: new Date(now.getTime() + 24 * 3600_000),
				userAgent: 'bench:chat'
			}))
		);
		userIds.push(...rows.map((r) => r.id));
		cookies.push(...tokens.map((t) => `${SESSION_COOKIE}=${t.token}`));
	}
	const [event] = await db
		.insert(events)
		.values({
			spaceId: space!.id,
			kind: 'webinaire',
			title: 'Webinaire de mesure : la salle en direct',
			startsAt: new Date(now.getTime() - 60_000),
			endsAt: new Date(now.getTime() + 2 * 3600_000),
			timeZone: 'Africa/Dakar',
			onlineUrl: 'https://visio.example.org/bench',
			roomOpenedAt: now,
			createdBy: userIds[0]!
		})
		.returning({ id: events.id });
	await db.insert(eventPeople).values({ eventId: event!.id, userId: userIds[0]!, role: 'organiser' });
	for (let from = 0; from < socketCount; from += 1000) {
		await db
			.insert(eventRegistrations)
			.values(userIds.slice(from, from + 1000).map((userId) => ({ eventId: event!.id, userId, status: 'registered' as const })));
	}
	return { orgId: org!.id, spaceId: space!.id, eventId: event!.id, userIds, cookies };
}

/** Removes what the bench wrote to a real server (an embedded one is simply deleted). */
async function unseed(db: Database, seeded: Seeded) {
	await db.transaction(async (tx) => {
		// Messages, registrations and organisers go with the event (on delete cascade).
		await tx.delete(events).where(eq(events.id, seeded.eventId));
		await tx.delete(spaces).where(eq(spaces.id, seeded.spaceId));
		for (let from = 0; from < seeded.userIds.length; from += 1000) {
			const ids = seeded.userIds.slice(from, from + 1000);
			await tx.delete(sessions).where(inArray(sessions.userId, ids));
			await tx.delete(users).where(inArray(users.id, ids));
		}
		await tx.delete(organisations).where(eq(organisations.id, seeded.orgId));
	});
}

/* The server's own figures, from /proc. */

const clockTicks = (() => {
	try {
		return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
	} catch {
		return 100;
	}
})();

function rssBytes(pid: number): number {
	const line = readFileSync(`/proc/${pid}/status`, 'utf8')
		.split('\n')
		.find((l) => l.startsWith('VmRSS:'));
	return Number(line?.match(/(\d+)/)?.[1] ?? 0) * 1024;
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
	const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
	// Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
	const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

const sum = (list: number[]) => list.reduce((n, x) => n + x, 0);

/* The clients */

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

function connectClient(server: RunningServer, cookie: string): Client {
	return io(server.url, {
		path: '/socket.io',
		transports: ['websocket'],
		extraHeaders: { origin: ORIGIN, cookie },
		reconnection: false,
		forceNew: true,
		timeout: 20_000
	});
}

function connected(socket: Client): Promise<void> {
	return new Promise((resolve, reject) => {
		socket.once('connect', () => resolve());
		socket.once('connect_error', (error) => reject(error));
	});
}

async function watch(socket: Client, eventId: string): Promise<RoomWatchResult> {
	const ack = (await socket.timeout(30_000).emitWithAck('room:watch', { eventId })) as
		{ ok: true; data: RoomWatchResult } | { ok: false; code: string };
	if (!ack.ok) throw new Error(`room:watch refused: ${ack.code}`);
	return ack.data;
}

const percentile = (sorted: Float64Array, p: number) =>
	sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/* Run */

const dataDir = mkdtempSync(join(tmpdir(), 'palabre-bench-chat-'));
const seedStarted = performance.now();
let handle = await openDatabase({ databaseUrl, dataDir: databaseUrl ? null : dataDir });
const seeded = await seed(handle.db);
await handle.close();
const seedSeconds = (performance.now() - seedStarted) / 1000;

const servers: RunningServer[] = [];
const sockets: Client[] = [];
try {
	const started = await Promise.all(
		Array.from({ length: processCount }, () =>
			startServer({
				timeoutMs: 60_000,
				publicOrigin: ORIGIN,
				dataDir,
				seed: false,
				...(processCount === 2 ? { redisUrl } : {}),
				// Reminders would write 2,000 notifications in the middle of the measure.
				env: { JOBS_INTERVAL_SECONDS: '0' }
			})
		)
	);
	servers.push(...started);
	const pids = servers.map((s) => s.pid);
	const serverOf = (i: number) => servers[i % servers.length]!;

	// Warm-up: on each process, one member connects, watches, posts and leaves, so that code
	// loaded on first use is not counted as the sockets' memory.
	for (const [p, server] of servers.entries()) {
		const warm = connectClient(server, seeded.cookies[0]!);
		await connected(warm);
		await watch(warm, seeded.eventId);
		const echoed = new Promise<void>((resolve) => warm.once('room:message', () => resolve()));
		await warm
			.timeout(10_000)
			.emitWithAck('room:send', { eventId: seeded.eventId, clientKey: `warm-${run}-${p}`, body: 'Bonjour à toutes et à tous.' });
		await echoed;
		warm.disconnect();
	}
	await sleep(1000);
	const rssBefore = pids.map(rssBytes);

	/* Every socket keeps what it received: per message number, a flag (duplicates show) and
	 * its room sequence (out-of-order arrivals show). */
	const received = Array.from({ length: socketCount }, () => new Uint8Array(plannedMessages));
	const lastSeq = new Float64Array(socketCount);
	const latencies = new Float64Array(plannedMessages * socketCount);
	let latencyCount = 0;
	let deliveries = 0;
	let duplicates = 0;
	let outOfOrder = 0;
	let gaps = 0;
	let presenceEvents = 0;
	let disconnects = 0;
	const sentAt = new Float64Array(plannedMessages).fill(NaN);
	/** When the first socket got each message: the rest of its deliveries measure the fan-out alone. */
	const firstAt = new Float64Array(plannedMessages).fill(NaN);
	const fanOut = new Float64Array(plannedMessages * socketCount);
	const marker = new RegExp(`bench-${run}-(\\d+)`);

	const onMessage = (i: number) => (payload: { seq: number; message: RoomMessage }) => {
		const now = performance.now();
		const found = marker.exec(payload.message.bodyHtml);
		if (!found) return; // the warm-up line
		const k = Number(found[1]);
		if (received[i]![k]) {
			duplicates++;
			return;
		}
		received[i]![k] = 1;
		deliveries++;
		if (payload.seq < lastSeq[i]!) outOfOrder++;
		// What a client that catches up on any skipped number would do now (room-live.svelte.ts).
		if (payload.seq > lastSeq[i]! + 1) gaps++;
		lastSeq[i] = Math.max(lastSeq[i]!, payload.seq);
		if (Number.isNaN(firstAt[k]!)) firstAt[k] = now;
		fanOut[latencyCount] = now - firstAt[k]!;
		latencies[latencyCount++] = now - sentAt[k]!;
	};

	const connectStarted = performance.now();
	const CONCURRENCY = 50;
	for (let from = 0; from < socketCount; from += CONCURRENCY) {
		await Promise.all(
			Array.from({ length: Math.min(CONCURRENCY, socketCount - from) }, async (_, k) => {
				const i = from + k;
				const socket = connectClient(serverOf(i), seeded.cookies[i]!);
				sockets[i] = socket;
				socket.on('room:message', onMessage(i));
				socket.on('room:presence', () => presenceEvents++);
				socket.on('disconnect', () => disconnects++);
				await connected(socket);
				const state = await watch(socket, seeded.eventId);
				lastSeq[i] = state.lastSeq;
			})
		);
	}
	const connectSeconds = (performance.now() - connectStarted) / 1000;
	const presenceWhileJoining = presenceEvents;
	await sleep(2000);
	const rssAfter = pids.map(rssBytes);
	const bytesPerSocket = (sum(rssAfter) - sum(rssBefore)) / socketCount;

	// Senders take turns: message k goes from sender k mod S, through that member's socket.
	const senderSockets = Array.from({ length: senderCount }, (_, s) => Math.floor((s * socketCount) / senderCount));
	let accepted = 0;
	const refused = new Map<string, number>();
	const ackLatencies: number[] = [];
	const acks: Promise<void>[] = [];
	const send = (k: number) => {
		const socket = sockets[senderSockets[k % senderCount]!]!;
		sentAt[k] = performance.now();
		acks.push(
			(
				socket.timeout(30_000).emitWithAck('room:send', {
					eventId: seeded.eventId,
					clientKey: `bench-${run}-${k}`,
					body: `Message bench-${run}-${k} : la cotisation est collectée après la récolte.`
				}) as Promise<{ ok: boolean; code?: string }>
			).then(
				(ack) => {
					ackLatencies.push(performance.now() - sentAt[k]!);
					if (ack.ok) accepted++;
					else refused.set(ack.code ?? '?', (refused.get(ack.code ?? '?') ?? 0) + 1);
				},
				() => {
					refused.set('timeout', (refused.get('timeout') ?? 0) + 1);
				}
			)
		);
	};

	const load = loadavg()[0]!;
	const cpuBefore = pids.map(cpuSeconds);
	const clientCpuBefore = process.cpuUsage();
	const sendStarted = performance.now();
	const interval = 1000 / rate;
	for (let k = 0; k < plannedMessages; k++) {
		// On schedule from the start, whatever the drift of the timers.
		const due = sendStarted + k * interval - performance.now();
		if (due > 0) await sleep(due);
		send(k);
	}
	await Promise.all(acks);
	// Let the last deliveries arrive: until all are in, or nothing came for 5 s.
	const expected = accepted * socketCount;
	let lastCount = -1;
	let still = performance.now();
	while (deliveries < expected && performance.now() - still < 5000) {
		await sleep(100);
		if (deliveries !== lastCount) {
			lastCount = deliveries;
			still = performance.now();
		}
	}
	const windowSeconds = (performance.now() - sendStarted) / 1000;
	const serverCpu = sum(pids.map(cpuSeconds)) - sum(cpuBefore);
	const clientCpuUsage = process.cpuUsage(clientCpuBefore);
	const clientCpu = (clientCpuUsage.user + clientCpuUsage.system) / 1e6;
	const rssEnd = pids.map(rssBytes);

	const sorted = latencies.slice(0, latencyCount).sort();
	const ackSorted = Float64Array.from(ackLatencies).sort();
	const fanOutSorted = fanOut.slice(0, latencyCount).sort();
	const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
	const lost = expected - deliveries;
	const latency = {
		p50Ms: round(percentile(sorted, 50)),
		p95Ms: round(percentile(sorted, 95)),
		p99Ms: round(percentile(sorted, 99)),
		maxMs: round(sorted.at(-1) ?? NaN)
	};
	const cpuPercent = (serverCpu / windowSeconds) * 100;
	const cpuUsPerDelivery = deliveries > 0 ? (serverCpu * 1e6) / deliveries : NaN;

	const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
	const row = (label: string, value: string, reference: string) =>
		console.log(`${label.padEnd(34)} ${value.padStart(18)}   ${reference}`);
	const driver = databaseUrl ? 'PostgreSQL' : 'PGlite';
	console.log(
		`\nPalabre live room benchmark — ${driver}, ${processCount} process${processCount > 1 ? 'es (Redis)' : ''}, ` +
			`${socketCount} sockets, ${rate} msg/s from ${senderCount} senders for ${seconds}s`
	);
	console.log(
		`Machine: ${availableParallelism()} cores shared by the server and this client (which decodes every delivery), ` +
			`load average ${load.toFixed(1)} when sending began; open files limit ${fdLimit}.`
	);
	console.log(
		`Seeded in ${seedSeconds.toFixed(1)}s; ${socketCount} sockets connected and watching in ${connectSeconds.toFixed(1)}s ` +
			`(${presenceWhileJoining.toLocaleString('en')} presence events meanwhile)\n`
	);
	console.log(`${'measure'.padEnd(34)} ${'value'.padStart(18)}   reference / goal`);
	row(
		'messages sent / accepted',
		`${plannedMessages} / ${accepted}`,
		refused.size ? `refused: ${JSON.stringify(Object.fromEntries(refused))}` : 'none refused'
	);
	row('deliveries expected / received', `${expected} / ${deliveries}`, `${round(deliveries / windowSeconds, 0)} deliveries/s`);
	row('messages lost', String(lost), `must be 0 → ${lost === 0 ? 'ok' : 'LOST'}`);
	row('duplicates / out of order', `${duplicates} / ${outOfOrder}`, 'clients apply by seq and drop duplicates');
	row('  arrivals after a skipped seq', String(gaps), 'each one a catch-up for a client that re-watches at once');
	row('delivery latency p50 / p95', `${latency.p50Ms} / ${latency.p95Ms} ms`, 'emit → receipt, same clock');
	row(
		'delivery latency p99 / max',
		`${latency.p99Ms} / ${latency.maxMs} ms`,
		`goal p99 ≤ ${GOAL_P99_MS} ms → ${latency.p99Ms <= GOAL_P99_MS ? 'within' : 'over'}`
	);
	row(
		'  of which: send ack p50 / p99',
		`${round(percentile(ackSorted, 50))} / ${round(percentile(ackSorted, 99))} ms`,
		'checked, stored, broadcast'
	);
	row(
		'  of which: fan-out p50 / p99',
		`${round(percentile(fanOutSorted, 50))} / ${round(percentile(fanOutSorted, 99))} ms`,
		'first socket → each other socket'
	);
	row(
		'server memory per socket',
		`${(bytesPerSocket / 1024).toFixed(1)} KB`,
		`goal ≤ ${GOAL_BYTES_PER_SOCKET / 1024} KB → ${bytesPerSocket <= GOAL_BYTES_PER_SOCKET ? 'within' : 'over'}`
	);
	row(
		'  per socket, measured at the end',
		`${((sum(rssEnd) - sum(rssBefore)) / socketCount / 1024).toFixed(1)} KB`,
		'after the run (garbage of the joins collected)'
	);
	row('  server RSS before / after / end', `${mb(sum(rssBefore))} / ${mb(sum(rssAfter))} / ${mb(sum(rssEnd))}`, 'all processes');
	row('server CPU while sending', `${round(cpuPercent, 0)} % of a core`, `${round(serverCpu)} s over ${round(windowSeconds)} s`);
	row(
		'  server CPU per delivery',
		`${round(cpuUsPerDelivery)} µs`,
		`socket.io alone ≈ ${REFERENCE_CPU_US_PER_DELIVERY} µs → ×${round(cpuUsPerDelivery / REFERENCE_CPU_US_PER_DELIVERY, 2)}`
	);
	row('bench client CPU meanwhile', `${round((clientCpu / windowSeconds) * 100, 0)} % of a core`, 'same machine');
	if (disconnects > 0) console.log(`\nNote: ${disconnects} sockets were disconnected during the run.`);
	console.log('');
	console.log(
		JSON.stringify({
			bench: 'chat',
			driver: databaseUrl ? 'postgres' : 'pglite',
			processes: processCount,
			cores: availableParallelism(),
			sockets: socketCount,
			senders: senderCount,
			ratePerSecond: rate,
			seconds,
			connectSeconds: round(connectSeconds),
			sent: plannedMessages,
			accepted,
			refused: Object.fromEntries(refused),
			expectedDeliveries: expected,
			deliveries,
			lost,
			duplicates,
			outOfOrder,
			gapsAtArrival: gaps,
			disconnects,
			latency,
			ackMs: { p50: round(percentile(ackSorted, 50)), p99: round(percentile(ackSorted, 99)) },
			fanOutMs: { p50: round(percentile(fanOutSorted, 50)), p99: round(percentile(fanOutSorted, 99)) },
			loadAverage: round(load, 2),
			memory: {
				bytesPerSocket: Math.round(bytesPerSocket),
				bytesPerSocketAtEnd: Math.round((sum(rssEnd) - sum(rssBefore)) / socketCount),
				rssBeforeBytes: sum(rssBefore),
				rssAfterBytes: sum(rssAfter),
				rssEndBytes: sum(rssEnd)
			},
			cpu: {
				serverSeconds: round(serverCpu, 2),
				windowSeconds: round(windowSeconds, 2),
				serverPercentOfCore: round(cpuPercent, 0),
				serverUsPerDelivery: round(cpuUsPerDelivery),
				clientPercentOfCore: round((clientCpu / windowSeconds) * 100, 0)
			},
			reference: {
				goalP99Ms: GOAL_P99_MS,
				goalBytesPerSocket: GOAL_BYTES_PER_SOCKET,
				socketIoUsPerDelivery: REFERENCE_CPU_US_PER_DELIVERY
			}
		})
	);
} finally {
	for (const socket of sockets) socket?.disconnect();
	await Promise.all(servers.map((s) => s.stop()));
	if (databaseUrl) {
		handle = await openDatabase({ databaseUrl, dataDir: null });
		await unseed(handle.db, seeded);
		await handle.close();
	}
	rmSync(dataDir, { recursive: true, force: true });
}
