/*
 * Enumerated values of the schema, free of any database import so that web code and
 * pure helpers can use them without pulling the ORM into a bundle.
 */

/** Kinds of actors of the network (DOMAIN.md, "Who uses it"). */
export const organisationTypes = [
	'mutuelle',
	'federation_mutuelles',
	'organisation_base',
	'partenaire_social',
	'ong',
	'cooperative',
	'association',
	'gouvernement',
	'collectivite_locale',
	'recherche_formation',
	'consultant',
	'organisation_internationale',
	'cooperation_bilaterale',
	'fondation',
	'bailleur',
	'autre'
] as const;
export type OrganisationType = (typeof organisationTypes)[number];

export const roles = ['member', 'moderator', 'admin'] as const;
export type Role = (typeof roles)[number];

export const locales = ['fr', 'en'] as const;
export type Locale = (typeof locales)[number];
