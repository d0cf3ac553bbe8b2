import { eq, inArray, sql } from 'drizzle-orm';
import type { Auth } from '../../server/auth/auth.ts';
import type { CountryCode } from '../../server/modules/accounts/countries.ts';
import { AccountsRepository } from '../../server/modules/accounts/accounts.repository.ts';
import { NotificationsService } from '../../server/modules/notifications/notifications.service.ts';
import { SpacesService } from '../../server/modules/spaces/spaces.service.ts';
import { ThreadsService } from '../../server/modules/threads/threads.service.ts';
import { seedDemoModeration } from './moderation.ts';
import { seedDemoExperiences } from './experiences.ts';
import type { BlobStorage } from '../../server/lib/storage.ts';
import { LateBoundPublisher } from '../../server/realtime/publisher.ts';
import type { Database } from '../client.ts';
import { posts, spaces, threads, users, type Role, type SpaceVisibility, type ThreadKind } from '../schema/index.ts';

/*
 * The demo network's discussions, in the vocabulary of DOMAIN.md. Written through the
 * domain services, so demo rows obey the same rules (rendering, numbering, counters) as
 * real ones; then spread over the past weeks so the network looks lived in.
 */

interface DemoSpace {
	slug: string;
	name: string;
	description: string;
	visibility: SpaceVisibility;
	themes?: string[];
	countries?: CountryCode[];
	/** Private spaces: who is in (e-mails); the first one moderates. */
	members?: string[];
}

const demoSpaces: DemoSpace[] = [
	{
		slug: 'gestion-des-mutuelles',
		name: 'Gestion des mutuelles',
		description:
			'Outils et pratiques de **gestion** des mutuelles de santé : adhésions, cotisations, suivi des prestations, comptabilité et assemblées générales.',
		visibility: 'public',
		themes: ['gestion', 'cotisations']
	},
	{
		slug: 'micro-assurance-sante',
		name: 'Micro-assurance santé',
		description:
			'Échanges entre membres du réseau sur les systèmes de **micro-assurance** : adhésion volontaire ou automatique, paquet de garanties, viabilité.',
		visibility: 'members',
		themes: ['micro-assurance']
	},
	{
		slug: 'subventions-et-politiques-publiques',
		name: 'Subventions et politiques publiques',
		description:
			'Subvention de la demande ou de l’offre, articulation avec les politiques nationales de protection sociale en santé.',
		visibility: 'public',
		themes: ['politiques publiques', 'subventions']
	},
	{
		slug: 'senegal',
		name: 'Sénégal : mutuelles et couverture maladie',
		description: 'L’espace des acteurs sénégalais : unions départementales, couverture maladie universelle, partenaires.',
		visibility: 'public',
		countries: ['SN']
	},
	{
		slug: 'burkina-faso',
		name: 'Burkina Faso',
		description: 'Mutuelles communautaires et assurance maladie universelle au Burkina Faso.',
		visibility: 'public',
		countries: ['BF']
	},
	{
		slug: 'animateurs',
		name: 'Espace des animateurs',
		description: 'Réservé à l’équipe d’animation : préparation des thèmes, synthèses, modération.',
		visibility: 'private',
		members: ['animation@example.org', 'membre@example.org']
	}
];

interface DemoThread {
	space: string;
	author: string;
	kind?: ThreadKind;
	title: string;
	body: string;
	replies: { author: string; body: string; accepted?: boolean }[];
}

const demoThreads: DemoThread[] = [
	{
		space: 'gestion-des-mutuelles',
		author: 'membre@example.org',
		kind: 'question',
		title: 'Comment suivre les cotisations impayées sans décourager les adhérents ?',
		body: 'Dans notre mutuelle, près d’un tiers des adhérents ont des retards de cotisation après la saison sèche. Nous ne voulons pas les exclure trop vite.\n\nQuelles pratiques avez-vous testées ?',
		replies: [
			{
				author: 'ousmane.sow@example.org',
				accepted: true,
				body: 'Chez nous, la **cotisation annuelle** peut être versée en trois fois, calées sur les récoltes. Le délai de carence n’est appliqué qu’après deux échéances manquées.\n\n| Échéance | Part |\n| --- | --- |\n| Novembre | 50 % |\n| Février | 25 % |\n| Mai | 25 % |'
			},
			{
				author: 'fatou.keita@example.org',
				body: 'Nous avons aussi vu des groupements de femmes cotiser collectivement : la solidarité du groupe réduit fortement les impayés.'
			},
			{
				author: 'animation@example.org',
				body: 'Merci pour ces retours. Je propose d’en faire une fiche d’expérience : qui veut contribuer ?'
			}
		]
	},
	{
		space: 'gestion-des-mutuelles',
		author: 'ousmane.sow@example.org',
		title: 'Tenue de la comptabilité : cahier ou tableur ?',
		body: 'Les trésoriers de nos mutuelles de base tiennent encore des cahiers. Certains voudraient passer au tableur sur téléphone. Vos avis ?',
		replies: [
			{
				author: 'membre@example.org',
				body: 'Le cahier reste la référence lors des assemblées générales : tout le monde peut le lire. Le tableur vient en plus, pas à la place.'
			},
			{
				author: 'jean.hounkpe@example.org',
				body: 'Attention à la sauvegarde : un téléphone perdu, c’est toute la comptabilité perdue.'
			}
		]
	},
	{
		space: 'gestion-des-mutuelles',
		author: 'animation@example.org',
		kind: 'announcement',
		title: 'Thème du trimestre : la gestion démocratique des mutuelles',
		body: 'Ce trimestre, l’animation propose de capitaliser les expériences de **gestion démocratique** : assemblées générales, élection des organes, contrôle par les adhérents.\n\nPartagez vos pratiques dans cet espace.',
		replies: []
	},
	{
		space: 'micro-assurance-sante',
		author: 'fatou.keita@example.org',
		title: 'Adhésion volontaire ou automatique : quels effets sur la viabilité ?',
		body: 'Les schémas à adhésion volontaire souffrent de sélection adverse. Certains programmes rendent l’adhésion automatique via une coopérative. Retours d’expérience ?',
		replies: [
			{
				author: 'ousmane.sow@example.org',
				body: 'L’adhésion par la coopérative cotonnière a doublé nos effectifs en un an, mais la participation aux assemblées a baissé.'
			},
			{
				author: 'animation@example.org',
				body: 'C’est tout l’enjeu : **efficacité** et **gestion démocratique** ne vont pas toujours ensemble.'
			}
		]
	},
	{
		space: 'micro-assurance-sante',
		author: 'membre@example.org',
		title: 'Définir un paquet minimum de garanties',
		body: 'Nous révisons notre paquet minimum : soins de santé primaires, accouchement, hospitalisation au district. Faut-il inclure les médicaments essentiels ?',
		replies: [
			{
				author: 'jean.hounkpe@example.org',
				body: 'Les médicaments génériques essentiels sont souvent ce que les adhérents valorisent le plus.'
			}
		]
	},
	{
		space: 'subventions-et-politiques-publiques',
		author: 'jean.hounkpe@example.org',
		title: 'Subvention de la demande ou subvention de l’offre ?',
		body: 'Le ministère étudie une **subvention de la demande** (prise en charge d’une partie des cotisations des plus pauvres). D’autres plaident pour subventionner l’offre de soins. Quels arguments avez-vous vus sur le terrain ?',
		replies: [
			{
				author: 'fatou.keita@example.org',
				body: 'La subvention de la demande cible mieux, mais exige un ciblage fiable des ménages pauvres.'
			},
			{
				author: 'ousmane.sow@example.org',
				body: 'Sans amélioration de la qualité des soins, la subvention de la demande ne retient pas les adhérents.'
			},
			{ author: 'admin@example.org', body: 'Une synthèse de ce fil sera présentée au prochain séminaire.' }
		]
	},
	{
		space: 'subventions-et-politiques-publiques',
		author: 'fatou.keita@example.org',
		title: 'Articuler mutuelles et assurance maladie universelle',
		body: 'Plusieurs pays de la région lancent une assurance maladie universelle. Quelle place pour les mutuelles communautaires existantes ?',
		replies: [
			{
				author: 'jean.hounkpe@example.org',
				body: 'Au Bénin, les mutuelles pourraient devenir des relais de proximité pour l’enrôlement.'
			}
		]
	},
	{
		space: 'senegal',
		author: 'ousmane.sow@example.org',
		title: 'Unions départementales : retour sur la première année',
		body: 'Notre union départementale a regroupé douze mutuelles. Premier bilan : mutualisation du risque, mais frais de fonctionnement à maîtriser.',
		replies: [
			{ author: 'admin@example.org', body: 'Merci Ousmane. Pouvez-vous partager le tableau de bord de l’union ?' },
			{ author: 'ousmane.sow@example.org', body: 'Je le prépare pour la semaine prochaine.' }
		]
	},
	{
		space: 'senegal',
		author: 'admin@example.org',
		title: 'Calendrier des assemblées générales 2027',
		body: 'Merci d’indiquer ici les dates de vos assemblées générales pour que l’animation puisse y assister.',
		replies: [{ author: 'ousmane.sow@example.org', body: 'Kaolack : 14 mars 2027.' }]
	},
	{
		space: 'burkina-faso',
		author: 'membre@example.org',
		title: 'Conventions avec les centres de santé de Bobo-Dioulasso',
		body: 'Nous renégocions nos conventions avec trois CSPS. Les tarifs forfaitaires fonctionnent-ils chez vous ?',
		replies: [
			{
				author: 'fatou.keita@example.org',
				body: 'Le forfait par épisode de maladie simplifie beaucoup le contrôle des factures.'
			},
			{ author: 'animation@example.org', body: 'Voir aussi le fil sur le paquet minimum dans l’espace Micro-assurance santé.' }
		]
	},
	{
		space: 'burkina-faso',
		author: 'fatou.keita@example.org',
		kind: 'question',
		title: 'Quelle part des cotisations consacrer aux frais de gestion ?',
		body: 'Un partenaire nous recommande 15 %. Est-ce réaliste pour une petite mutuelle rurale ?',
		replies: [{ author: 'ousmane.sow@example.org', body: 'Nous sommes à 12 %, grâce au bénévolat des élus.' }]
	},
	{
		space: 'animateurs',
		author: 'animation@example.org',
		title: 'Préparation de la synthèse du thème « cotisations »',
		body: 'Je propose un plan en trois parties : constats, pratiques qui marchent, questions ouvertes. Vos remarques ?',
		replies: [{ author: 'membre@example.org', body: 'D’accord. Ajoutons les échéanciers calés sur les récoltes.' }]
	}
];

const HOUR = 3600_000;

export async function seedDemoDiscussions(db: Database, storage: BlobStorage): Promise<void> {
	const existing = await db.select({ id: spaces.id }).from(spaces).where(eq(spaces.isDemo, true)).limit(1);
	if (existing.length > 0) return;

	const accounts = new AccountsRepository(db);
	const realtime = new LateBoundPublisher(); // no sockets while seeding
	const notifications = new NotificationsService(db, realtime);
	const spaceService = new SpacesService(db, realtime, notifications);
	notifications.bindSpaces(spaceService.repo);
	const threadService = new ThreadsService(db, spaceService, accounts, notifications, realtime);

	const people = await db
		.select({ id: users.id, email: users.email, role: users.role, displayName: users.displayName })
		.from(users)
		.where(eq(users.isDemo, true));
	const authOf = (email: string): NonNullable<Auth> => {
		const u = people.find((p) => p.email === email);
		if (!u) throw new Error(`demo user missing: ${email}`);
		return {
			user: { id: u.id, email: u.email, displayName: u.displayName, role: u.role as Role, locale: 'fr' },
			session: { id: 'seed', expiresAt: new Date() }
		};
	};
	const admin = authOf('admin@example.org');

	for (const space of demoSpaces) {
		const { members = [], ...input } = space;
		await spaceService.create(admin, { ...input, themes: input.themes ?? [], countries: input.countries ?? [] });
		for (const [i, email] of members.entries()) {
			const member = authOf(email);
			await spaceService.repo.upsertMember(db, {
				spaceId: (await spaceService.repo.findBySlug(space.slug, null))!.space.id,
				userId: member.user.id,
				status: 'active',
				role: i === 0 ? 'moderator' : 'member'
			});
		}
	}
	await db
		.update(spaces)
		.set({ isDemo: true })
		.where(
			inArray(
				spaces.slug,
				demoSpaces.map((s) => s.slug)
			)
		);

	for (const thread of demoThreads) {
		const created = await threadService.createThread(authOf(thread.author), thread.space, {
			title: thread.title,
			body: thread.body,
			kind: thread.kind ?? 'discussion'
		});
		const threadId = created.thread.id;
		for (const r of thread.replies) {
			const post = await threadService.reply(authOf(r.author), threadId, { body: r.body });
			if (r.accepted) await threadService.accept(authOf(thread.author), threadId, post.id);
		}
	}

	// Spread the activity over the past weeks: thread i started i × 31 h ago, replies every 3 h.
	const all = await db.select({ id: threads.id }).from(threads).orderBy(threads.createdAt);
	for (const [i, { id }] of all.reverse().entries()) {
		const start = Date.now() - (i + 1) * 31 * HOUR;
		await db
			.update(posts)
			.set({ createdAt: sql`${new Date(start).toISOString()}::timestamptz + (${posts.number} - 1) * interval '3 hours'` })
			.where(eq(posts.threadId, id));
		await db
			.update(threads)
			.set({
				createdAt: new Date(start),
				lastActivityAt: sql`(select max(created_at) from ${posts} where thread_id = ${id})`
			})
			.where(eq(threads.id, id));
	}
	await db.update(spaces).set({
		lastActivityAt: sql`coalesce((select max(last_activity_at) from ${threads} where space_id = ${spaces.id}), ${spaces.createdAt})`
	});
	await seedDemoModeration(db, { threads: threadService, spaces: spaceService, notifications, realtime, authOf });
	await seedDemoExperiences(db, { threads: threadService, spaces: spaceService, notifications, realtime, authOf, storage });
	// The demo's notifications were made while seeding; start everyone with a clean slate.
	await db.execute(sql`update notifications set read_at = now()`);
}
