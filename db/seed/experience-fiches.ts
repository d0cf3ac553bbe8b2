import type { ExperienceContent } from '../../server/modules/experiences/content.ts';

/*
 * The demo network's fiches d'expérience, in the vocabulary of DOMAIN.md (mutuelles,
 * micro-assurance, subvention de la demande et de l'offre, paquet minimum, §55–67 of the
 * seed document). Figures are plausible orders of magnitude, not real statistics.
 */

export interface DemoFiche {
	/** Who creates it (e-mail of a demo account); the contact person too, unless `contact` says otherwise. */
	author: string;
	/** The contact person when not the author: any member (e-mail of a demo account). */
	contact?: string;
	/** Co-authors added after creation (e-mails). */
	coAuthors?: string[];
	space: string;
	content: Partial<ExperienceContent>;
	/** Published (default), or left waiting in the review queue. */
	state?: 'published' | 'submitted';
	/** A revision published as a second version: the fields that change. */
	revision?: Partial<ExperienceContent>;
}

const thies: Partial<ExperienceContent> = {
	title: 'Mutuelle communautaire rurale de Fandène (Thiès) : adhésion par les groupements de femmes',
	summary:
		'Une mutuelle de santé communautaire rurale de la région de Thiès a quadruplé ses adhérents en passant ' +
		'par les groupements de femmes et les associations villageoises, avec une cotisation annuelle calée sur ' +
		'la récolte et subventionnée à 50 % par l’État dans le cadre de la couverture maladie universelle.',
	organisations: ['Mutuelle de santé communautaire de Fandène', 'Union départementale des mutuelles de Thiès'],
	countries: ['SN'],
	area: 'rural',
	startYear: 2009,
	endYear: null,
	mechanism: 'mutuelle_communautaire',
	targets: ['rural_agricole', 'femmes', 'secteur_informel'],
	members: 3850,
	membersYear: 2023,
	beneficiaries: 10200,
	beneficiariesYear: 2023,
	contributionAmount: 7000,
	currency: 'XOF',
	contributionFrequency: 'annuelle',
	subsidies:
		'50 % de la cotisation pris en charge par l’État (couverture maladie universelle) ; cotisation entière ' +
		'des ménages bénéficiaires des bourses de sécurité familiale.',
	subsidySource: 'Agence nationale de la couverture maladie universelle',
	benefits: [
		'Le **paquet minimum** est négocié chaque année avec les prestataires du district :',
		'',
		'- consultations, soins infirmiers et médicaments génériques au poste et au centre de santé (ticket modérateur de 20 %) ;',
		'- accouchement simple et consultations prénatales ;',
		'- hospitalisation au centre de santé de référence, plafonnée à 10 jours par an ;',
		'- évacuation vers l’hôpital régional de Thiès prise en charge à 50 %.',
		'',
		'Délai de carence de trois mois après la première adhésion.'
	].join('\n'),
	partners:
		'Postes et centre de santé du district de Thiès (convention de tiers payant), union départementale, ' +
		'radio communautaire, partenaire relais pour la formation des gérants.',
	results: [
		'Le passage par les **groupements de femmes** a changé l’échelle de la mutuelle : les trésorières des groupements ',
		'collectent les cotisations après la récolte d’arachide et les reversent en une fois.',
		'',
		'Le taux de recouvrement des cotisations dépasse désormais 80 %, contre moins de la moitié avant 2015.'
	].join('\n'),
	indicators: [
		{ name: 'Taux de pénétration dans la zone', value: 21, unit: '%', year: 2023 },
		{ name: 'Taux de recouvrement des cotisations', value: 82, unit: '%', year: 2023 },
		{ name: 'Prises en charge dans l’année', value: 6400, unit: 'actes', year: 2023 }
	],
	difficulties: [
		'- Retards de remboursement de la part subventionnée par l’État : jusqu’à six mois en 2022, qui ont tendu la relation avec les prestataires.',
		'- Rotation des gérants bénévoles : chaque départ fait perdre la tenue du registre des adhérents.',
		'- Abus au moment des épidémies de paludisme (adhésions de dernière minute), limités par le délai de carence.'
	].join('\n'),
	lessons: [
		'1. **Passer par les organisations existantes** (groupements de femmes, associations villageoises) coûte moins cher que le porte-à-porte et installe la confiance.',
		'2. **Caler l’échéancier sur la récolte** fait plus pour le recouvrement que toutes les relances.',
		'3. La subvention de la demande n’a d’effet durable que si son versement est **régulier** : une réserve de trésorerie de trois mois est indispensable.',
		'4. La gestion démocratique (assemblée générale annuelle, comptes présentés aux villages) est la meilleure protection contre la fraude.'
	].join('\n'),
	links: [{ label: 'Plateforme de l’OIT sur la protection sociale', url: 'https://www.social-protection.org/' }]
};

export const demoFiches: DemoFiche[] = [
	{
		author: 'ousmane.sow@example.org',
		coAuthors: ['admin@example.org'],
		space: 'gestion-des-mutuelles',
		content: thies,
		// Version 2: the 2024 figures, a new indicator and what the union learnt since.
		revision: {
			members: 4210,
			membersYear: 2024,
			beneficiaries: 11800,
			beneficiariesYear: 2024,
			indicators: [
				{ name: 'Taux de pénétration dans la zone', value: 24, unit: '%', year: 2024 },
				{ name: 'Taux de recouvrement des cotisations', value: 85, unit: '%', year: 2024 },
				{ name: 'Prises en charge dans l’année', value: 7150, unit: 'actes', year: 2024 },
				{ name: 'Délai moyen de paiement des prestataires', value: 38, unit: 'jours', year: 2024 }
			],
			difficulties:
				(thies.difficulties ?? '') +
				'\n- Paiement mobile adopté en 2024 par un tiers des adhérents, mais les frais de retrait pèsent sur les petits montants.',
			lessons:
				(thies.lessons ?? '') +
				'\n5. Le **paiement mobile** aide les adhérents partis en ville à cotiser pour leur famille restée au village.'
		}
	},
	{
		author: 'fatou.keita@example.org',
		space: 'gestion-des-mutuelles',
		content: {
			title: 'Mutuelle professionnelle des enseignants de la région de Ségou : précompte sur salaire',
			summary:
				'Une mutuelle professionnelle créée par les syndicats d’enseignants couvre les enseignants du public ' +
				'et du privé de la région de Ségou et leurs familles. La cotisation est précomptée sur le salaire, ' +
				'ce qui assure la régularité des ressources ; l’enjeu est désormais d’ouvrir la mutuelle aux ' +
				'enseignants contractuels des écoles communautaires.',
			organisations: ['Mutuelle des enseignants de Ségou', 'Syndicats régionaux de l’éducation'],
			countries: ['ML'],
			area: 'mixed',
			startYear: 2012,
			endYear: null,
			mechanism: 'mutuelle_professionnelle',
			targets: ['autres', 'femmes'],
			targetsOther: 'Enseignants du public, du privé et des écoles communautaires, et leurs ayants droit',
			members: 6300,
			membersYear: 2024,
			beneficiaries: 27500,
			beneficiariesYear: 2024,
			contributionAmount: 2500,
			currency: 'XOF',
			contributionFrequency: 'mensuelle',
			subsidies: 'Appui au démarrage (équipement, formation des administrateurs) pendant les trois premières années.',
			subsidySource: 'Coopération bilatérale et ONG partenaire',
			benefits: [
				'- Consultations et médicaments génériques dans les centres de santé communautaires conventionnés (tiers payant, ticket modérateur de 25 %).',
				'- Hospitalisation à l’hôpital de Ségou, chirurgie programmée incluse, plafond annuel par famille.',
				'- Maternité : consultations prénatales, accouchement, césarienne.',
				'- Lunettes et soins dentaires de base, remboursés sur facture.'
			].join('\n'),
			partners:
				'Syndicats d’enseignants, direction régionale de l’éducation (précompte), hôpital de Ségou, centres de santé communautaires.',
			results:
				'Le précompte sur salaire a porté le taux de recouvrement à près de 100 % pour les enseignants fonctionnaires. ' +
				'Les réserves couvrent plus de six mois de prestations, ce qui a permis de négocier des tarifs avec l’hôpital.',
			indicators: [
				{ name: 'Taux de recouvrement (précompte)', value: 98, unit: '%', year: 2024 },
				{ name: 'Réserves en mois de prestations', value: 7, unit: 'mois', year: 2024 },
				{ name: 'Ratio de sinistralité', value: 71, unit: '%', year: 2024 }
			],
			difficulties: [
				'- Les enseignants contractuels, payés irrégulièrement, ne peuvent pas être précomptés.',
				'- Consommation élevée en ville, faible dans les écoles rurales éloignées des centres conventionnés.',
				'- La mutuelle doit se conformer à la réglementation régionale sur la mutualité sociale (agrément, règles prudentielles).'
			].join('\n'),
			lessons: [
				'- Le **précompte** est l’atout décisif d’une mutuelle professionnelle, mais il en trace aussi la frontière : qui n’a pas de bulletin de salaire reste dehors.',
				'- Une **convention écrite** avec l’hôpital, avec des tarifs forfaitaires, vaut mieux que le remboursement sur facture.',
				'- Les syndicats apportent l’adhésion de masse ; la gestion doit néanmoins rester distincte des instances syndicales.'
			].join('\n')
		}
	},
	{
		author: 'jean.hounkpe@example.org',
		// The network's facilitator, who followed the partnership with the microfinance institution.
		contact: 'animation@example.org',
		space: 'micro-assurance-sante',
		content: {
			title: 'Micro-assurance santé adossée au microcrédit pour les commerçantes du Borgou',
			summary:
				'Une institution de microfinance de Parakou a rendu l’assurance santé automatique pour ses clientes ' +
				'emprunteuses : la prime est ajoutée aux échéances du crédit. L’adhésion automatique a donné d’emblée ' +
				'un grand nombre d’assurées, mais l’arrêt du financement de la réassurance a obligé à revoir le ' +
				'paquet de garanties.',
			organisations: ['Institution de microfinance partenaire (Parakou)', 'Mutuelle d’assurance santé du Borgou'],
			countries: ['BJ'],
			area: 'urban',
			startYear: 2015,
			endYear: 2022,
			mechanism: 'micro_assurance',
			targets: ['femmes', 'secteur_informel'],
			members: 14200,
			membersYear: 2021,
			beneficiaries: 38000,
			beneficiariesYear: 2021,
			contributionAmount: 6000,
			currency: 'XOF',
			contributionFrequency: 'annuelle',
			subsidies: 'Prise en charge des frais de gestion et de la réassurance pendant les quatre premières années.',
			subsidySource: 'Programme de coopération et fonds de garantie des bailleurs',
			benefits: [
				'- Hospitalisation et chirurgie dans trois formations sanitaires conventionnées de Parakou.',
				'- Accouchement, y compris par césarienne.',
				'- Pas de soins ambulatoires : choix assumé pour garder une prime accessible.'
			].join('\n'),
			partners:
				'Institution de microfinance, formations sanitaires publiques et confessionnelles, réassureur, direction départementale de la santé.',
			results: [
				'En six ans, plus de 14 000 commerçantes assurées, avec leurs enfants. Les hospitalisations ne sont plus ',
				'la première cause d’impayés du crédit, selon l’institution de microfinance.'
			].join(''),
			indicators: [
				{ name: 'Assurées (clientes emprunteuses)', value: 14200, unit: 'personnes', year: 2021 },
				{ name: 'Taux de renouvellement hors crédit', value: 18, unit: '%', year: 2022 },
				{ name: 'Impayés de crédit liés à la maladie', value: -40, unit: '% en 3 ans', year: 2019 }
			],
			difficulties: [
				'- Les clientes ne se sentaient pas membres d’une assurance : beaucoup ignoraient leurs droits.',
				'- À la fin du crédit, très peu renouvelaient l’assurance de leur propre initiative.',
				'- Sans la réassurance subventionnée, le déficit des années d’épidémie a menacé la viabilité financière.'
			].join('\n'),
			lessons: [
				'1. L’**adhésion automatique** par le crédit résout la sélection adverse mais pas l’appropriation : il faut des réunions d’information dans chaque groupe de caution solidaire.',
				'2. Un paquet centré sur l’hospitalisation est lisible et abordable ; il doit être complété par une offre ambulatoire de la mutuelle locale.',
				'3. Prévoir dès le départ la **sortie de la subvention** : constituer des réserves avant la fin du financement.'
			].join('\n')
		}
	},
	{
		author: 'membre@example.org',
		space: 'subventions-et-politiques-publiques',
		content: {
			title: 'Fonds d’équité pour les indigents dans le district sanitaire de Bobo-Dioulasso',
			summary:
				'Un fonds d’équité, alimenté par la commune, l’État et des partenaires, paie aux mutuelles la cotisation ' +
				'des personnes indigentes identifiées par les comités villageois, et rembourse aux centres de santé les ' +
				'soins des indigents non encore couverts. Il associe subvention de la demande et prise en charge directe.',
			organisations: ['Commune de Bobo-Dioulasso', 'Mutuelle de santé Wend-Panga', 'District sanitaire de Dafra'],
			countries: ['BF'],
			area: 'mixed',
			startYear: 2016,
			endYear: null,
			mechanism: 'fonds_equite',
			targets: ['personnes_agees', 'malades_chroniques', 'autres'],
			targetsOther: 'Personnes indigentes identifiées par les comités villageois et l’action sociale',
			members: 2100,
			membersYear: 2024,
			beneficiaries: 5400,
			beneficiariesYear: 2024,
			// The indigents pay nothing: the fund pays their cotisation (see subsidies).
			contributionAmount: null,
			currency: null,
			contributionFrequency: null,
			subsidies:
				'Cotisation annuelle de 6 000 XOF par personne versée aux mutuelles pour chaque indigent enrôlé ; ' +
				'remboursement direct des soins d’urgence des indigents non encore mutualistes.',
			subsidySource: 'Budget communal, ministère de l’Action sociale, partenaires techniques et financiers',
			benefits:
				'Le **paquet minimum** de la mutuelle d’accueil (soins de santé primaires, médicaments génériques, ' +
				'accouchement, hospitalisation de district), sans ticket modérateur pour les indigents.',
			partners:
				'Comités villageois de ciblage, action sociale, mutuelles de santé de la commune, centres de santé et de promotion sociale.',
			results: [
				'Le fonds a permis aux mutuelles de la commune d’intégrer des personnes âgées et des malades chroniques ',
				'qu’elles refusaient jusque-là par crainte pour leur équilibre financier.'
			].join(''),
			indicators: [
				{ name: 'Indigents enrôlés dans une mutuelle', value: 2100, unit: 'personnes', year: 2024 },
				{ name: 'Part des indigents identifiés effectivement couverts', value: 64, unit: '%', year: 2024 },
				{ name: 'Budget annuel du fonds', value: 18500000, unit: 'XOF', year: 2024 }
			],
			difficulties: [
				'- Le ciblage par les comités villageois est accepté, mais lent et parfois contesté (favoritisme).',
				'- Le montant de la subvention varie avec le nombre d’indigents : difficile à inscrire au budget communal.',
				'- Les malades chroniques consomment beaucoup : les mutuelles demandent une compensation du risque.'
			].join('\n'),
			lessons: [
				'- Payer la **cotisation** plutôt que les soins (subvention de la demande) intègre les indigents à la mutuelle au lieu d’en faire une catégorie à part.',
				'- Le ciblage communautaire doit être **revu chaque année**, en assemblée villageoise, pour rester légitime.',
				'- Une ligne budgétaire pluriannuelle, votée par le conseil municipal, est la condition de la viabilité du fonds.'
			].join('\n')
		}
	},
	{
		author: 'fatou.keita@example.org',
		space: 'subventions-et-politiques-publiques',
		state: 'submitted',
		content: {
			title: 'Subvention de la demande pour les ménages pauvres en Guinée forestière',
			summary:
				'Un projet pilote prend en charge la moitié de la cotisation mutualiste des ménages pauvres de deux ' +
				'préfectures de Guinée forestière, pour tester l’effet d’une subvention de la demande sur l’adhésion ' +
				'et sur le choix des prestataires de soins.',
			organisations: ['Union des mutuelles de santé de N’Zérékoré', 'ONG Santé pour tous'],
			countries: ['GN'],
			area: 'rural',
			startYear: 2023,
			endYear: null,
			mechanism: 'subvention_demande',
			targets: ['rural_agricole', 'secteur_informel', 'jeunes'],
			members: 3200,
			membersYear: 2025,
			beneficiaries: 14600,
			beneficiariesYear: 2025,
			contributionAmount: 60000,
			currency: 'GNF',
			contributionFrequency: 'annuelle',
			subsidies: '50 % de la cotisation des ménages classés pauvres, versés directement à la mutuelle.',
			subsidySource: 'Projet pilote financé par un partenaire de développement, avec la direction préfectorale de la santé',
			benefits: 'Soins de santé primaires, médicaments essentiels, accouchement, référence vers l’hôpital préfectoral.',
			partners: 'Direction préfectorale de la santé, centres de santé, union des mutuelles, radio rurale.',
			results: '',
			indicators: [],
			difficulties: '- Recensement des ménages pauvres difficile dans les villages enclavés pendant la saison des pluies.',
			lessons: [
				'- Les ménages subventionnés choisissent plus souvent le centre de santé le mieux équipé, même plus éloigné : la subvention de la demande met les prestataires en concurrence sur la qualité.',
				'- Il faut annoncer clairement la durée de la subvention pour éviter l’effet d’aubaine.'
			].join('\n')
		}
	}
];

/** The attachments of the first fiche: an annual report and a chart of the membership rate. */
export const thiesReportLines = [
	'Rapport annuel 2024',
	'Mutuelle de santé communautaire de Fandène (Thiès, Sénégal)',
	'Adhérents : 4 210 ; bénéficiaires : 11 800.',
	'Taux de recouvrement des cotisations : 85 %.',
	'Taux de pénétration dans la zone : 24 %.',
	'Document de démonstration « Palabre ».'
];

/** Membership rate (%) 2019–2024, for the chart. */
export const thiesPenetration = [9, 12, 14, 17, 21, 24];
