import type { Config } from './config.ts';
import type { Database, DatabaseDriver } from '../db/client.ts';
import { SessionService } from './auth/sessions.ts';
import type { RateLimiter } from './lib/rate-limit.ts';
import { AccountsService, defaultAccountsRateRules, type AccountsRateRules } from './modules/accounts/accounts.service.ts';
import type { RoomAuthority } from './realtime/gateway.ts';
import type { RealtimePublisher } from './realtime/publisher.ts';
import { AccountsRepository } from './modules/accounts/accounts.repository.ts';
import { headerBadges } from './modules/accounts/badges.ts';
import { NotificationsService } from './modules/notifications/notifications.service.ts';
import { SearchService } from './modules/search/search.service.ts';
import { AuditService } from './modules/moderation/audit.service.ts';
import { ReasonsService } from './modules/moderation/reasons.service.ts';
import { SettingsService } from './modules/moderation/settings.service.ts';
import { SanctionsService } from './modules/moderation/sanctions.service.ts';
import { SpacesService } from './modules/spaces/spaces.service.ts';
import { ModerationQueueService } from './modules/moderation/queue.service.ts';
import { WatchedWordBlockedError } from './modules/moderation/watched-words.service.ts';
import { ThreadsService } from './modules/threads/threads.service.ts';
import { ThreadActionsService } from './modules/moderation/thread-actions.service.ts';
import { WatchedWordsService } from './modules/moderation/watched-words.service.ts';
import { AttachmentsService } from './modules/experiences/attachments.service.ts';
import { ExperiencesService } from './modules/experiences/experiences.service.ts';
import { EventsService } from './modules/events/events.service.ts';
import { RoomService } from './modules/events/room.service.ts';
import { attachmentStorage, type BlobStorage } from './lib/storage.ts';
import { MailService } from './modules/mail/mail.service.ts';
import { EventReminders } from './modules/events/reminders.ts';

export interface ServiceDeps {
	config: Config;
	db: Database;
	driver: DatabaseDriver;
	ping: () => Promise<void>;
	limiter: RateLimiter;
	realtime: RealtimePublisher;
	rateRules?: Partial<AccountsRateRules> | undefined;
	/** Where attachments' bytes go; default: a folder under DATA_DIR (tests pass a temporary one). */
	storage?: BlobStorage | undefined;
}

/** Every domain service, built once per process and shared by Fastify, SvelteKit and sockets. */
export function buildServices(deps: ServiceDeps) {
	const sessions = new SessionService(deps.db);
	const accounts = new AccountsService(deps.db, sessions, deps.limiter, deps.realtime, {
		...defaultAccountsRateRules,
		...deps.rateRules
	});
	// Before every service that writes e-mails in its transactions (events).
	const mail = new MailService(deps.db, deps.config);
	const notifications = new NotificationsService(deps.db, deps.realtime);
	const spaces = new SpacesService(deps.db, deps.realtime, notifications);
	notifications.bindSpaces(spaces.repo);
	// A periodic job (see buildApp's `jobs`); tests call `reminders.runOnce()` directly.
	const reminders = new EventReminders(deps.db, spaces.repo, notifications, mail, deps.realtime);
	// Built before threads, whose writes ask it for a verdict (`check`).
	const watchedWords = new WatchedWordsService(deps.db);
	// Before threads: its writes ask for reasons and the review setting.
	const audit = new AuditService(deps.db);
	const reasons = new ReasonsService(deps.db);
	const settings = new SettingsService(deps.db);
	const threads = new ThreadsService(deps.db, spaces, new AccountsRepository(deps.db), notifications, deps.realtime);
	const search = new SearchService(deps.db);
	const attachments = new AttachmentsService(deps.db, spaces.repo, deps.storage ?? attachmentStorage(deps.config.dataDir));
	const experiences = new ExperiencesService(deps.db, spaces, threads, notifications, deps.config.publicOrigin);
	// Event documents share the attachments' storage (same folder, same keys scheme).
	const events = new EventsService(deps.db, spaces, notifications, attachments.storage, deps.config.publicOrigin, mail);
	// The live room: rate limits and slow mode through the shared limiter (Redis across processes).
	const room = new RoomService(deps.db, spaces, deps.limiter, deps.realtime);
	const threadActions = new ThreadActionsService(deps.db, threads, spaces, notifications, deps.realtime);
	const sanctions = new SanctionsService(deps.db, sessions, notifications, deps.realtime);
	const moderation = new ModerationQueueService(deps.db, threads, notifications, deps.realtime, reasons, settings);
	threads.bindModeration({
		needsReview: (auth, space) => moderation.needsReview(auth, space),
		async screen(body, auth) {
			const verdict = await watchedWords.check(body);
			if (verdict.action === 'block') throw new WatchedWordBlockedError(verdict.match, auth?.user.locale ?? 'fr');
			return { body: verdict.body, review: verdict.action === 'review' };
		},
		queued: (change) => deps.realtime.emitToQueue({ ...change, change: 'added' })
	});

	/** What the socket gateway asks before letting a socket into a room. */
	const rooms: RoomAuthority = {
		async watchThread(auth, threadId, since) {
			if (since === undefined) {
				const ctx = await threads.context(auth, threadId);
				return { spaceId: ctx.thread.thread.spaceId, lastSeq: ctx.thread.thread.lastSeq, posts: [] };
			}
			const caughtUp = await threads.catchUp(auth, threadId, since);
			return { spaceId: caughtUp.thread.space.id, lastSeq: caughtUp.thread.lastSeq, posts: caughtUp.posts };
		},
		async watchSpace(auth, slug) {
			return (await spaces.readable(auth, slug)).space.id;
		},
		watchQueue: (auth) => moderation.moderatedSpaceIds(auth)
	};

	return {
		config: deps.config,
		sessions,
		accounts,
		moderation,
		notifications,
		mail,
		reminders,
		spaces,
		threads,
		threadActions,
		search,
		attachments,
		experiences,
		events,
		room,
		audit,
		reasons,
		settings,
		sanctions,
		watchedWords,
		rooms,
		/** The signed-in header's counts (notifications, warnings, moderation link). */
		badges: (user: Parameters<typeof headerBadges>[1]) => headerBadges(deps.db, user),
		health: {
			async check() {
				const started = performance.now();
				try {
					await deps.ping();
					return { ok: true, driver: deps.driver, latencyMs: Math.round(performance.now() - started) };
				} catch {
					return { ok: false, driver: deps.driver, latencyMs: null };
				}
			}
		}
	};
}

export type Services = ReturnType<typeof buildServices>;

/** Where the host leaves the services for SvelteKit, which runs in another module graph. */
export const SERVICES_KEY = Symbol.for('palabre.services');
