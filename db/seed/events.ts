import { eq, inArray, sql } from 'drizzle-orm';
import type { Auth } from '../../server/auth/auth.ts';
import { renderMarkdown } from '../../server/lib/markdown.ts';
import type { BlobStorage } from '../../server/lib/storage.ts';
import { EventsService } from '../../server/modules/events/events.service.ts';
import { utcToLocal } from '../../server/modules/events/time-zones.ts';
import { NotificationsService } from '../../server/modules/notifications/notifications.service.ts';
import { SpacesService } from '../../server/modules/spaces/spaces.service.ts';
import { LateBoundPublisher } from '../../server/realtime/publisher.ts';
import type { Database } from '../client.ts';
import { eventMessages, eventQuestions, eventQuestionVotes, eventRegistrations, events, spaces, users } from '../schema/index.ts';
import { minimalPdf } from './experience-files.ts';

/*
 * The demo events, in the vocabulary of DOMAIN.md, written through the events service (so
 * that audit rows, organisers and registrations are what real ones would be): a webinaire
 * full with a waiting list, an atelier in Dakar, a formation in Douala — all upcoming,
 * dated from today — and a séminaire held two weeks ago, with its synthesis, its recording,
 * a document and the transcript of its live room (chat and Q&A).
 */

const DAY = 86_400_000;

/** The local date-time `days` from now at `time`, in `zone`: what an organiser would type. */
function localDay(days: number, time: string, zone: string): string {
	return `${utcToLocal(new Date(Date.now() + days * DAY), zone).slice(0, 10)}T${time}`;
}

interface TranscriptLine {
	author: string;
	body: string;
	announcement?: boolean;
	/** Minutes after the start. */
	at: number;
}

interface TranscriptQuestion {
	author: string;
	body: string;
	at: number;
	voters: string[];
	answer?: { by: string; body: string; at: number };
}

const seminarChat: TranscriptLine[] = [
	{
		author: 'animation@example.org',
		announcement: true,
		at: -5,
		body: 'Bienvenue au séminaire ! Posez vos questions dans l’onglet **Questions** : nous y répondrons après chaque intervention.'
	},
	{ author: 'membre@example.org', at: 2, body: 'Bonjour à tous depuis Bobo-Dioulasso 👋' },
	{ author: 'ousmane.sow@example.org', at: 3, body: 'Bonjour de Kaolack. La connexion est bonne ici.' },
	{
		author: 'jean.hounkpe@example.org',
		at: 18,
		body: 'Au Bénin, le RAMU prévoit une prise en charge des cotisations des plus pauvres par l’État : c’est une **subvention de la demande**.'
	},
	{
		author: 'fatou.keita@example.org',
		at: 25,
		body: 'Au Mali, le ciblage des indigents reste le point difficile : les listes communales ne sont pas à jour.'
	},
	{ author: 'membre@example.org', at: 41, body: 'La diapositive sur les fonds d’équité est très claire, merci.' },
	{
		author: 'ousmane.sow@example.org',
		at: 63,
		body: 'Chez nous, la subvention de 50 % de la cotisation a doublé les adhésions en deux ans, mais le recouvrement a baissé.'
	},
	{
		author: 'animation@example.org',
		at: 205,
		body: 'Merci à toutes et à tous. La synthèse et l’enregistrement seront publiés sur la page du séminaire.'
	}
];

const seminarQuestions: TranscriptQuestion[] = [
	{
		author: 'membre@example.org',
		at: 20,
		body: 'Comment éviter que la subvention de l’État arrive avec des mois de retard, alors que les soins, eux, ne peuvent pas attendre ?',
		voters: ['ousmane.sow@example.org', 'fatou.keita@example.org', 'jean.hounkpe@example.org'],
		answer: {
			by: 'jean.hounkpe@example.org',
			at: 95,
			body: 'Le Bénin verse désormais une **avance trimestrielle** aux unions, régularisée sur les listes effectives.'
		}
	},
	{
		author: 'fatou.keita@example.org',
		at: 32,
		body: 'Qui identifie les indigents : la commune, les services sociaux ou la mutuelle elle-même ?',
		voters: ['membre@example.org', 'ousmane.sow@example.org'],
		answer: {
			by: 'animation@example.org',
			at: 110,
			body: 'Les trois, selon les pays ; l’expérience montre qu’un comité communal avec la mutuelle donne les listes les plus fiables.'
		}
	},
	{
		author: 'ousmane.sow@example.org',
		at: 70,
		body: 'La subvention de l’offre (gratuité ciblée) fait-elle concurrence aux mutuelles ?',
		voters: ['jean.hounkpe@example.org']
	}
];

const seminarSynthesis = `## Ce que nous retenons

1. **La subvention de la demande fonctionne** quand elle est versée à temps : les avances trimestrielles (Bénin) évitent que les mutuelles avancent les soins sur leurs fonds propres.
2. **Le ciblage des indigents** reste la difficulté principale ; les comités communaux associant la mutuelle donnent les listes les plus fiables.
3. **Subvention de l’offre et mutuelles** ne s’opposent pas si la gratuité ciblée est articulée avec le paquet de la mutuelle.

## Suites

- Une fiche d’expérience sur l’avance trimestrielle béninoise sera rédigée par la direction de la protection sociale.
- Un atelier sur le recouvrement des cotisations subventionnées est programmé à Dakar.`;

export async function seedDemoEvents(db: Database, storage: BlobStorage): Promise<void> {
	const demoSpaces = await db.select({ id: spaces.id }).from(spaces).where(eq(spaces.isDemo, true));
	if (demoSpaces.length === 0) return;
	const existing = await db
		.select({ id: events.id })
		.from(events)
		.where(
			inArray(
				events.spaceId,
				demoSpaces.map((s) => s.id)
			)
		)
		.limit(1);
	if (existing.length > 0) return;

	const realtime = new LateBoundPublisher(); // no sockets while seeding
	const notifications = new NotificationsService(db, realtime);
	const spaceService = new SpacesService(db, realtime, notifications);
	notifications.bindSpaces(spaceService.repo);
	const people = await db
		.select({ id: users.id, email: users.email, handle: users.handle, role: users.role, displayName: users.displayName })
		.from(users)
		.where(eq(users.isDemo, true));
	const authOf = (email: string): NonNullable<Auth> => {
		const u = people.find((p) => p.email === email);
		if (!u) throw new Error(`demo user missing: ${email}`);
		return {
			user: { id: u.id, email: u.email, displayName: u.displayName, role: u.role, locale: 'fr' },
			session: { id: 'seed', expiresAt: new Date() }
		};
	};
	// No mail service: seeding writes no e-mails. The origin only serves absolute feed links.
	const service = new EventsService(db, spaceService, notifications, storage, 'http://localhost');
	const handles = new Map(people.map((u) => [u.email, u.handle]));
	const handle = (email: string) => `@${handles.get(email)}`;
	const animation = authOf('animation@example.org');
	const admin = authOf('admin@example.org');

	// A webinaire for members, full: three seats taken, two people on the waiting list.
	const webinar = await service.create(animation, {
		space: 'micro-assurance-sante',
		kind: 'webinaire',
		title: 'Adhésion volontaire ou automatique : quelles leçons pour la micro-assurance santé ?',
		description:
			'Un webinaire d’une heure et demie pour comparer les deux modes d’adhésion, à partir des expériences du Mali et du Sénégal.\n\n' +
			'- 20 minutes de présentation\n- 60 minutes d’échanges et de questions\n\n' +
			'Le lien de la salle en ligne est affiché aux inscrits 30 minutes avant le début.',
		startsAt: localDay(5, '14:00', 'Africa/Abidjan'),
		endsAt: localDay(5, '15:30', 'Africa/Abidjan'),
		timeZone: 'Africa/Abidjan',
		onlineUrl: 'https://visio.example.org/palabre-webinaire-adhesion',
		countries: ['ML', 'SN', 'CI'],
		speakers: [handle('fatou.keita@example.org')],
		guestSpeakers: ['Dr Moussa Coulibaly, Union technique de la mutualité malienne'],
		capacity: 3,
		registrationDeadline: localDay(4, '18:00', 'Africa/Abidjan')
	});
	for (const email of [
		'membre@example.org',
		'ousmane.sow@example.org',
		'jean.hounkpe@example.org',
		'admin@example.org',
		'fatou.keita@example.org'
	]) {
		await service.register(authOf(email), webinar.id);
	}

	// An atelier in Dakar.
	const workshop = await service.create(animation, {
		space: 'gestion-des-mutuelles',
		kind: 'atelier',
		title: 'Atelier régional : suivi des cotisations et outils de gestion des mutuelles',
		description:
			'Deux jours de travail en petits groupes sur les **outils de suivi des cotisations** (registres, tableaux de bord, paiement mobile) ' +
			'et sur la présentation des comptes en assemblée générale.\n\nApportez les registres et tableaux de bord de votre mutuelle.',
		startsAt: localDay(12, '09:00', 'Africa/Dakar'),
		endsAt: localDay(13, '17:00', 'Africa/Dakar'),
		timeZone: 'Africa/Dakar',
		place: 'Dakar, Maison des mutuelles, Point E',
		countries: ['SN', 'ML', 'BF', 'GN'],
		organisers: [handle('ousmane.sow@example.org')],
		speakers: [handle('ousmane.sow@example.org')],
		capacity: 30,
		registrationDeadline: localDay(9, '23:59', 'Africa/Dakar')
	});
	for (const email of ['membre@example.org', 'fatou.keita@example.org']) await service.register(authOf(email), workshop.id);

	// A formation in Douala, three days.
	const training = await service.create(admin, {
		space: 'gestion-des-mutuelles',
		kind: 'formation',
		title: 'Formation des gérants de mutuelles : comptabilité et rapports financiers',
		description:
			'Formation de trois jours pour les gérants et trésoriers : plan comptable des mutuelles, **ratios de viabilité**, ' +
			'rapport financier annuel. Une attestation est remise à la fin.',
		startsAt: localDay(25, '08:30', 'Africa/Douala'),
		endsAt: localDay(27, '16:30', 'Africa/Douala'),
		timeZone: 'Africa/Douala',
		place: 'Douala, Akwa, salle de conférence de la Chambre de commerce',
		countries: ['CM', 'TD', 'CF', 'GA', 'CG'],
		organisers: [handle('animation@example.org')],
		guestSpeakers: ['Mme Éliane Ngo Bayiha, expert-comptable'],
		capacity: 20
	});
	await service.register(authOf('ousmane.sow@example.org'), training.id);

	// A séminaire held two weeks ago (hybrid), with what is kept after it.
	const zone = 'Africa/Dakar';
	const seminar = await service.create(animation, {
		space: 'subventions-et-politiques-publiques',
		kind: 'seminaire',
		title: 'Séminaire : subvention de la demande et couverture maladie universelle',
		description:
			'Comment les États subventionnent-ils les cotisations des plus pauvres, et avec quels effets sur les mutuelles ? ' +
			'Interventions du Bénin et du Sénégal, puis échanges.',
		startsAt: localDay(-14, '09:00', zone),
		endsAt: localDay(-14, '12:30', zone),
		timeZone: zone,
		place: 'Dakar, Hôtel Ngor Diarama',
		onlineUrl: 'https://visio.example.org/palabre-seminaire-subventions',
		countries: ['SN', 'BJ', 'ML', 'BF'],
		speakers: [handle('jean.hounkpe@example.org')],
		guestSpeakers: ['Mme Awa Ndiaye, Agence de la couverture maladie universelle'],
		capacity: 80
	});
	const startsAt = new Date(seminar.startsAt);
	const beforeStart = new Date(startsAt.getTime() - 7 * DAY);
	for (const email of ['membre@example.org', 'ousmane.sow@example.org', 'fatou.keita@example.org', 'admin@example.org']) {
		await service.register(authOf(email), seminar.id, beforeStart);
	}
	await db.update(eventRegistrations).set({ registeredAt: beforeStart }).where(eq(eventRegistrations.eventId, seminar.id));
	await service.update(animation, seminar.id, {
		synthesis: seminarSynthesis,
		recordingUrl: 'https://video.example.org/palabre/seminaire-subvention-demande'
	});
	await service.uploadDocument(animation, seminar.id, {
		filename: 'Diapositives - subvention de la demande.pdf',
		bytes: minimalPdf([
			'Subvention de la demande et CMU',
			'1. Avances trimestrielles aux unions (Benin)',
			'2. Ciblage des indigents : comites communaux',
			'3. Articulation avec la gratuite ciblee'
		])
	});
	await seedTranscript(db, seminar.id, startsAt, authOf);
}

/**
 * The séminaire's room as it ended: chat lines and questions in one sequence, then the
 * votes and answers, each change taking the next number, as the live room stores them.
 */
async function seedTranscript(
	db: Database,
	eventId: string,
	startsAt: Date,
	authOf: (email: string) => NonNullable<Auth>
): Promise<void> {
	const at = (minutes: number) => new Date(startsAt.getTime() + minutes * 60_000);
	let seq = 0;
	let key = 0;
	type Item =
		{ at: number; kind: 'message'; line: TranscriptLine } | { at: number; kind: 'question'; question: TranscriptQuestion };
	const timeline: Item[] = [
		...seminarChat.map((line) => ({ at: line.at, kind: 'message' as const, line })),
		...seminarQuestions.map((question) => ({ at: question.at, kind: 'question' as const, question }))
	].sort((a, b) => a.at - b.at);
	const questionIds = new Map<TranscriptQuestion, string>();
	for (const item of timeline) {
		seq += 1;
		const clientKey = `seed-${++key}`;
		if (item.kind === 'message') {
			await db.insert(eventMessages).values({
				eventId,
				seq,
				changedSeq: seq,
				authorId: authOf(item.line.author).user.id,
				kind: item.line.announcement ? 'announcement' : 'message',
				body: item.line.body,
				bodyHtml: renderMarkdown(item.line.body),
				clientKey,
				pinned: item.line.announcement ?? false,
				createdAt: at(item.at)
			});
		} else {
			const [row] = await db
				.insert(eventQuestions)
				.values({
					eventId,
					seq,
					changedSeq: seq,
					authorId: authOf(item.question.author).user.id,
					body: item.question.body,
					bodyHtml: renderMarkdown(item.question.body),
					clientKey,
					createdAt: at(item.at)
				})
				.returning({ id: eventQuestions.id });
			questionIds.set(item.question, row!.id);
		}
	}
	// Votes, then answers: each is a change of its question and takes the next number.
	for (const question of seminarQuestions) {
		const id = questionIds.get(question)!;
		for (const voter of question.voters) {
			seq += 1;
			await db
				.insert(eventQuestionVotes)
				.values({ questionId: id, userId: authOf(voter).user.id, createdAt: at(question.at + 5) });
			await db
				.update(eventQuestions)
				.set({ votes: sql`${eventQuestions.votes} + 1`, changedSeq: seq })
				.where(eq(eventQuestions.id, id));
		}
	}
	for (const question of seminarQuestions) {
		if (!question.answer) continue;
		seq += 1;
		await db
			.update(eventQuestions)
			.set({
				answeredAt: at(question.answer.at),
				answeredBy: authOf(question.answer.by).user.id,
				answer: question.answer.body,
				answerHtml: renderMarkdown(question.answer.body),
				changedSeq: seq
			})
			.where(eq(eventQuestions.id, questionIds.get(question)!));
	}
	await db
		.update(events)
		.set({ lastSeq: seq, roomOpenedAt: at(-15), roomClosedAt: at(215) })
		.where(eq(events.id, eventId));
}
