import type { BlobStorage } from '../../server/lib/storage.ts';
import { count } from 'drizzle-orm';
import { hashPassword } from '../../server/auth/password.ts';
import { handleBase } from '../../server/modules/accounts/handle.ts';
import type { Database } from '../client.ts';
import { seedDemoDiscussions } from './discussions.ts';
import { seedDemoEvents } from './events.ts';
import { organisations, users, type OrganisationType, type Role } from '../schema/index.ts';

/** Shared by every demo account; printed in the README. */
export const DEMO_PASSWORD = 'palabre-demo';

interface DemoOrganisation {
	key: string;
	name: string;
	type: OrganisationType;
	country: string;
}

const demoOrganisations: DemoOrganisation[] = [
	{ key: 'concertation', name: 'Secrétariat de la Concertation', type: 'association', country: 'SN' },
	{ key: 'umsk', name: 'Union des mutuelles de santé de Kaolack', type: 'federation_mutuelles', country: 'SN' },
	{ key: 'mutuelle-bobo', name: 'Mutuelle de santé Wend-Panga de Bobo-Dioulasso', type: 'mutuelle', country: 'BF' },
	{ key: 'ong-bamako', name: 'Santé pour tous Mali', type: 'ong', country: 'ML' },
	{ key: 'ministere-benin', name: 'Ministère du Travail et de la Fonction publique', type: 'gouvernement', country: 'BJ' },
	{ key: 'cidr', name: 'Centre d’appui aux mutuelles de santé (partenaire relais)', type: 'consultant', country: 'CM' }
];

interface DemoUser {
	email: string;
	displayName: string;
	role: Role;
	org: string;
	country: string;
	bio: string;
}

export const demoUsers: DemoUser[] = [
	{
		email: 'admin@example.org',
		displayName: 'Aïssatou Diallo',
		role: 'admin',
		org: 'concertation',
		country: 'SN',
		bio: 'Administratrice de la plateforme pour le secrétariat de la Concertation.'
	},
	{
		email: 'animation@example.org',
		displayName: 'Koffi Mensah',
		role: 'moderator',
		org: 'cidr',
		country: 'TG',
		bio: 'Animateur des espaces « Gestion des mutuelles » et « Micro-assurance santé ».'
	},
	{
		email: 'membre@example.org',
		displayName: 'Mariam Traoré',
		role: 'member',
		org: 'mutuelle-bobo',
		country: 'BF',
		bio: 'Gérante d’une mutuelle de santé communautaire ; intéressée par le paquet minimum et la subvention de la demande.'
	},
	{
		email: 'ousmane.sow@example.org',
		displayName: 'Ousmane Sow',
		role: 'member',
		org: 'umsk',
		country: 'SN',
		bio: 'Trésorier d’une union de mutuelles ; suivi des cotisations et viabilité financière.'
	},
	{
		email: 'fatou.keita@example.org',
		displayName: 'Fatoumata Keïta',
		role: 'member',
		org: 'ong-bamako',
		country: 'ML',
		bio: 'Chargée de programme, extension de la protection sociale en santé aux travailleurs de l’économie informelle.'
	},
	{
		email: 'jean.hounkpe@example.org',
		displayName: 'Jean Hounkpè',
		role: 'member',
		org: 'ministere-benin',
		country: 'BJ',
		bio: 'Direction de la protection sociale ; politiques publiques d’appui aux mutuelles.'
	}
];

/** Seeds the French demo network. Every row is marked `is_demo`. */
/** `storage`: where the demo fiches' attachments go — the storage the app will read them from. */
export async function seedDemo(db: Database, storage: BlobStorage): Promise<void> {
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	await db.transaction(async (tx) => {
		const orgIds = new Map<string, string>();
		for (const org of demoOrganisations) {
			const [row] = await tx
				.insert(organisations)
				.values({ name: org.name, type: org.type, country: org.country, isDemo: true })
				.onConflictDoNothing()
				.returning({ id: organisations.id });
			if (row) orgIds.set(org.key, row.id);
		}
		for (const user of demoUsers) {
			const organisationId = orgIds.get(user.org);
			if (!organisationId) continue;
			await tx
				.insert(users)
				.values({
					email: user.email,
					displayName: user.displayName,
					handle: handleBase(user.displayName),
					passwordHash,
					role: user.role,
					organisationId,
					country: user.country,
					bio: user.bio,
					locale: 'fr',
					isDemo: true
				})
				.onConflictDoNothing();
		}
	});
	await seedDemoDiscussions(db, storage);
	// After the spaces they are held in.
	await seedDemoEvents(db, storage);
}

/** First start of an embedded database: seed when no account exists yet. */
export async function seedIfEmpty(db: Database, storage: BlobStorage): Promise<boolean> {
	const [row] = await db.select({ n: count() }).from(users);
	if ((row?.n ?? 0) > 0) return false;
	await seedDemo(db, storage);
	return true;
}
