/**
 * Helpers of the reminder and e-mail tests: a second host on the same database (a restart,
 * or another process), events written directly (independent of the events API), and a real
 * SMTP server on a free port that records what it receives.
 */
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';
import { eventPeople, eventRegistrations, events } from '../../db/schema/index.ts';
import { buildApp, type PalabreApp } from '../../server/app.ts';
import type { Config } from '../../server/config.ts';
import { MemoryRateLimitStore, RateLimiter } from '../../server/lib/rate-limit.ts';
import { FileSystemStorage } from '../../server/lib/storage.ts';
import { LateBoundPublisher } from '../../server/realtime/publisher.ts';
import { buildServices, type Services } from '../../server/services.ts';
import type { TestApp } from './app.ts';

export interface Host extends PalabreApp {
	services: Services;
	db: DatabaseHandle['db'];
	close(): Promise<void>;
}

/**
 * Another Palabre host on the database of `t`, as after a restart or in a second process:
 * new services, new app, nothing shared in memory. On PostgreSQL it opens its own pool;
 * on PGlite (one in-process database) it shares the handle, the only way to reach the data.
 */
export async function hostOn(t: TestApp, overrides: Partial<Config> = {}, options: { jobs?: boolean } = {}): Promise<Host> {
	const config: Config = { ...t.config, ...overrides };
	const own =
		t.database.driver === 'postgres' ? await openDatabase({ databaseUrl: config.databaseUrl, dataDir: null, max: 4 }) : null;
	const database = own ?? t.database;
	const store = new MemoryRateLimitStore();
	const publisher = new LateBoundPublisher();
	const services = buildServices({
		config,
		db: database.db,
		driver: database.driver,
		ping: database.ping,
		limiter: new RateLimiter(store),
		realtime: publisher,
		// Lazy: nothing is written unless a test stores an attachment (these don't).
		storage: new FileSystemStorage(join(tmpdir(), `palabre-unused-${randomUUID()}`))
	});
	const built = await buildApp({ config, services, publisher, web: false, logger: false, jobs: options.jobs ?? false });
	return {
		...built,
		services,
		db: database.db,
		async close() {
			await built.app.close();
			store.close();
			await own?.close();
		}
	};
}

const HOUR = 3_600_000;

/**
 * Tests run the jobs at an instant of their own, far ahead, so that events of other test
 * files sharing the PostgreSQL database are never in their window (nor theirs in ours).
 */
export function farFuture(): Date {
	const base = Date.UTC(2090 + Math.floor(Math.random() * 60), 0, 1);
	// Whole minutes, spread over a year: two runs of the suite never meet either.
	return new Date(base + Math.floor(Math.random() * 365 * 24 * 60) * 60_000);
}

/** An event written straight to its table, starting `hoursAhead` after `now`. */
export async function insertEvent(
	db: DatabaseHandle['db'],
	spaceId: string,
	now: Date,
	hoursAhead: number,
	over: Partial<typeof events.$inferInsert> = {}
): Promise<string> {
	const startsAt = new Date(now.getTime() + hoursAhead * HOUR);
	const [row] = await db
		.insert(events)
		.values({
			spaceId,
			kind: 'webinaire',
			title: `Webinaire ${randomUUID().slice(0, 6)} : cotisations`,
			startsAt,
			endsAt: new Date(startsAt.getTime() + 2 * HOUR),
			timeZone: 'Africa/Dakar',
			onlineUrl: 'https://visio.example.org/salle',
			...over
		})
		.returning({ id: events.id });
	return row!.id;
}

export async function register(
	db: DatabaseHandle['db'],
	eventId: string,
	userIds: string[],
	status: 'registered' | 'waiting' = 'registered'
) {
	await db.insert(eventRegistrations).values(userIds.map((userId) => ({ eventId, userId, status })));
}

export async function addOrganiser(db: DatabaseHandle['db'], eventId: string, userId: string) {
	await db.insert(eventPeople).values({ eventId, userId, role: 'organiser' });
}

export interface ReceivedMail {
	from: string;
	to: string[];
	raw: string;
}

export interface TestSmtp {
	url: string;
	received: ReceivedMail[];
	close(): Promise<void>;
}

/** A real SMTP server on a free loopback port, with a login, that keeps every message it accepts. */
export async function startSmtp(options: { reject?: boolean } = {}): Promise<TestSmtp> {
	const received: ReceivedMail[] = [];
	const server = new SMTPServer({
		disabledCommands: ['STARTTLS'],
		allowInsecureAuth: true,
		logger: false,
		onAuth(auth, _session, callback) {
			if (auth.username === 'palabre' && auth.password === 's3cret') callback(null, { user: auth.username });
			else callback(new Error('Invalid username or password'));
		},
		onRcptTo(_address, _session, callback) {
			if (options.reject) {
				const error = new Error('Mailbox unavailable') as Error & { responseCode: number };
				error.responseCode = 450;
				callback(error);
			} else callback();
		},
		onData(stream, session, callback) {
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('end', () => {
				received.push({
					from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
					to: session.envelope.rcptTo.map((r) => r.address),
					raw: Buffer.concat(chunks).toString('latin1')
				});
				callback();
			});
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
	const { port } = server.server.address() as AddressInfo;
	return {
		url: `smtp://palabre:s3cret@127.0.0.1:${port}`,
		received,
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}

/** A header of a raw message, RFC 2047 encoded-words decoded (UTF-8, Q or B). */
export function header(raw: string, name: string): string {
	const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
	const line = head.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
	if (!line) return '';
	return line
		.slice(name.length + 1)
		.trim()
		.replace(/\?=\s+=\?/g, '?==?')
		.replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_m, encoding: string, text: string) =>
			encoding.toLowerCase() === 'b'
				? Buffer.from(text, 'base64').toString('utf8')
				: Buffer.from(
						text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_h, hex: string) => String.fromCharCode(parseInt(hex, 16))),
						'latin1'
					).toString('utf8')
		);
}

/** The text body of a single-part message, decoded (quoted-printable or base64). */
export function body(raw: string): string {
	const [head, ...rest] = raw.split(/\r?\n\r?\n/);
	const content = rest.join('\n\n');
	const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(head!)?.[1]?.toLowerCase();
	if (encoding === 'base64') return Buffer.from(content, 'base64').toString('utf8');
	if (encoding === 'quoted-printable') {
		const bytes = content
			.replace(/=\r?\n/g, '')
			.replace(/=([0-9A-F]{2})/g, (_h, hex: string) => String.fromCharCode(parseInt(hex, 16)));
		return Buffer.from(bytes, 'latin1').toString('utf8').replace(/\r\n/g, '\n');
	}
	return Buffer.from(content, 'latin1').toString('utf8').replace(/\r\n/g, '\n');
}
