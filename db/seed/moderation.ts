import { and, eq } from 'drizzle-orm';
import type { Auth } from '../../server/auth/auth.ts';
import type { ThreadsService } from '../../server/modules/threads/threads.service.ts';
import type { NotificationsService } from '../../server/modules/notifications/notifications.service.ts';
import type { SpacesService } from '../../server/modules/spaces/spaces.service.ts';
import { ModerationQueueService } from '../../server/modules/moderation/queue.service.ts';
import { ReasonsService } from '../../server/modules/moderation/reasons.service.ts';
import { SettingsService } from '../../server/modules/moderation/settings.service.ts';
import { ThreadActionsService } from '../../server/modules/moderation/thread-actions.service.ts';
import type { RealtimePublisher } from '../../server/realtime/publisher.ts';
import type { Database } from '../client.ts';
import { posts, threads } from '../schema/index.ts';

/**
 * The moderation side of the demo, made through the services themselves so that every
 * step leaves the audit rows a real one would: a reply waiting in the queue, a reported
 * reply, a rejected one, a locked thread and a thread closed with its synthesis.
 */
export async function seedDemoModeration(
	db: Database,
	deps: {
		threads: ThreadsService;
		spaces: SpacesService;
		notifications: NotificationsService;
		realtime: RealtimePublisher;
		authOf: (email: string) => NonNullable<Auth>;
	}
): Promise<void> {
	const { threads: threadService, authOf } = deps;
	const queue = new ModerationQueueService(
		db,
		threadService,
		deps.notifications,
		deps.realtime,
		new ReasonsService(db),
		new SettingsService(db)
	);
	const actions = new ThreadActionsService(db, threadService, deps.spaces, deps.notifications, deps.realtime);
	const animation = authOf('animation@example.org');
	const threadId = async (title: string) => {
		const [row] = await db.select({ id: threads.id }).from(threads).where(eq(threads.title, title));
		if (!row) throw new Error(`demo thread missing: ${title}`);
		return row.id;
	};

	// Replies of a newcomer go to review (as the first posts of a new member would).
	threadService.bindModeration({
		needsReview: async () => true,
		screen: async (body) => ({ body, review: false }),
		queued: () => {}
	});
	const comptabilite = await threadId('Tenue de la comptabilité : cahier ou tableur ?');
	await threadService.reply(authOf('jean.hounkpe@example.org'), comptabilite, {
		body:
			'À Abomey, nous avons commencé avec un cahier puis nous sommes passés au tableur partagé : ' +
			'le trésorier et le gérant voient les mêmes chiffres. Je peux partager notre modèle.'
	});
	const rejected = await threadService.reply(authOf('jean.hounkpe@example.org'), comptabilite, {
		body: 'Nous avons commencé avec un cahier puis nous sommes passés au tableur partagé.'
	});
	threadService.bindModeration({
		needsReview: async () => false,
		screen: async (body) => ({ body, review: false }),
		queued: () => {}
	});
	await queue.reject(animation, rejected.id, { reason: 'doublon', note: 'Même contenu que votre message précédent.' });

	// A reply reported by a member: one report, below the threshold, waits in the queue.
	const adhesion = await threadId('Adhésion volontaire ou automatique : quels effets sur la viabilité ?');
	const [reported] = await db
		.select({ id: posts.id })
		.from(posts)
		.where(and(eq(posts.threadId, adhesion), eq(posts.number, 2)));
	if (reported) {
		await queue.report(authOf('fatou.keita@example.org'), {
			postId: reported.id,
			reason: 'ton_inapproprie',
			note: 'Le ton envers les gérants est blessant.'
		});
	}

	await actions.lock(
		animation,
		await threadId('Calendrier des assemblées générales 2027'),
		'Le calendrier est arrêté : les dates sont désormais fixées.'
	);

	await actions.closeWithSynthesis(
		animation,
		await threadId('Comment suivre les cotisations impayées sans décourager les adhérents ?'),
		{
			body: [
				'**Synthèse des échanges**',
				'',
				'1. **Constats** : les impayés viennent surtout des mois de soudure ; les relances collectives découragent.',
				'2. **Pratiques qui marchent** : échéanciers calés sur les récoltes, rappel individuel par un relais du village, paiement mobile.',
				'3. **Questions ouvertes** : faut-il suspendre les droits après deux mois ? Comment associer les centres de santé ?',
				'',
				'Merci à toutes et à tous : cette synthèse alimentera la fiche d’expérience du thème « cotisations ».'
			].join('\n'),
			reason: 'Thème du trimestre clôturé.'
		}
	);
}
