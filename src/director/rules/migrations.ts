/**
 * migrations: a DEV change to a model or schema definition (a field, a column, a table) without a new
 * migration, for the frameworks whose layout says where both live. A change to a model's methods is not a
 * schema change: the changed lines must define a field.
 */
import type { FileChange } from '../changes.ts';
import type { DirectorRule } from '../rule.ts';
import { changesToReview, sendBack } from './dev-changes.ts';

interface Layout {
  framework: string;
  schema: RegExp;
  field: RegExp;
  migration: RegExp;
}

const LAYOUTS: readonly Layout[] = [
  {
    framework: 'Django / SQLAlchemy',
    schema: /(^|\/)models(\.py|\/[^/]+\.py)$/,
    field: /\b(models\.\w+Field|ForeignKey|Column|mapped_column|relationship)\s*\(/,
    migration: /(^|\/)(migrations|alembic\/versions|versions)\/(?!__init__)[^/]+\.py$/,
  },
  {
    framework: 'Drizzle',
    schema: /(^|\/)schema\.ts$|(^|\/)schema\/[^/]+\.ts$/,
    field:
      /\b(pgTable|sqliteTable|mysqlTable|text|integer|serial|varchar|boolean|timestamp|jsonb|bigint|uuid)\s*\(/,
    migration: /(^|\/)(drizzle|migrations)\/[^/]+\.sql$/,
  },
  {
    framework: 'Prisma',
    schema: /(^|\/)schema\.prisma$/,
    field: /^\s*(model\s+\w+|\w+\s+\w+)/,
    migration: /(^|\/)migrations\/[^/]+\/migration\.sql$/,
  },
  {
    framework: 'Rails',
    schema: /(^|\/)db\/schema\.rb$/,
    field: /\b(create_table|t\.\w+|add_column|remove_column)\b/,
    migration: /(^|\/)db\/migrate\/\d+_[^/]+\.rb$/,
  },
  {
    framework: 'TypeORM',
    schema: /\.entity\.ts$/,
    field: /@(Column|PrimaryGeneratedColumn|PrimaryColumn|ManyToOne|OneToMany|ManyToMany|OneToOne)\b/,
    migration: /(^|\/)migrations?\/[^/]+\.ts$/,
  },
];

function schemaChanges(changes: readonly FileChange[]): { layout: Layout; file: string }[] {
  const found: { layout: Layout; file: string }[] = [];
  for (const layout of LAYOUTS) {
    const migrated = changes.some((change) => change.status === 'A' && layout.migration.test(change.path));
    if (migrated) continue;
    for (const change of changes) {
      if (change.status === 'D' || !layout.schema.test(change.path)) continue;
      if ([...change.added, ...change.removed].some((line) => layout.field.test(line)))
        found.push({ layout, file: change.path });
    }
  }
  return found;
}

export const migrations: DirectorRule = {
  name: 'migrations',
  async propose(view) {
    const reviewed = await changesToReview(view, 'migrations', (s) => view.config(s, 'migrations') !== null);
    return reviewed.flatMap(({ job, changes }) => {
      const found = schemaChanges(changes);
      if (found.length === 0) return [];
      const files = found.map((f) => f.file);
      return [
        sendBack(
          'migrations',
          job,
          { schema_files: files, frameworks: [...new Set(found.map((f) => f.layout.framework))] },
          {
            issue: `the change alters the schema (${files.join(', ')}) without a new migration`,
            recommendation:
              "generate the migration with the project's own tool (makemigrations, alembic revision, drizzle-kit generate, prisma migrate, rails generate migration) and commit it with the change",
            file: files[0] ?? null,
          },
        ),
      ];
    });
  },
};
