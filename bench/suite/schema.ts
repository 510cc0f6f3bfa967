/**
 * The benchmark schema, the same on PostgreSQL and SQLite: `users` (10 mixed columns), `posts`
 * (10 columns, about 5 per user), `events` (written by W7/W8/W9) and `accounts` (W9/W10).
 * Every contender's models map onto these tables; the column lists below are what raw drivers
 * select, in the order the ORMs select them.
 */

export const USER_COLUMNS = [
  'id',
  'name',
  'email',
  'age',
  'karma',
  'active',
  'joined_at',
  'balance',
  'settings',
  'token',
] as const
export const POST_COLUMNS = [
  'id',
  'user_id',
  'title',
  'status',
  'category',
  'views',
  'published',
  'created_at',
  'rating',
  'meta',
] as const

/** `"t"."a", "t"."b"`: the qualified column list raw drivers use. */
export function columnList(table: string, columns: readonly string[]): string {
  return columns.map((c) => `"${table}"."${c}"`).join(', ')
}

export const USER_SELECT = columnList('users', USER_COLUMNS)
export const POST_SELECT = columnList('posts', POST_COLUMNS)

/** The post statuses (W4 pages, W11 counts). */
export const STATUSES = ['draft', 'published', 'archived', 'review', 'spam'] as const
/** Rows in `accounts`. */
export const ACCOUNT_ROWS = 10_000

export const PG_SCHEMA = [
  'DROP TABLE IF EXISTS posts, users, events, accounts CASCADE',
  `CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL, email text NOT NULL, age integer NOT NULL,
    karma bigint NOT NULL, active boolean NOT NULL, joined_at timestamptz NOT NULL, balance numeric(12, 2) NOT NULL,
    settings jsonb NOT NULL, token uuid NOT NULL)`,
  `CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), title text NOT NULL,
    status text NOT NULL, category integer NOT NULL, views integer NOT NULL, published boolean NOT NULL,
    created_at timestamptz NOT NULL, rating numeric(5, 2) NOT NULL, meta jsonb NOT NULL)`,
  'CREATE INDEX posts_user_id_idx ON posts (user_id)',
  'CREATE INDEX posts_status_created_idx ON posts (status, created_at DESC)',
  `CREATE TABLE events (id bigserial PRIMARY KEY, user_id bigint NOT NULL, kind text NOT NULL, amount integer NOT NULL,
    created_at timestamptz NOT NULL)`,
  'CREATE TABLE accounts (id bigint PRIMARY KEY, balance bigint NOT NULL, version integer NOT NULL)',
]

/** Seeds PostgreSQL server-side with generate_series: deterministic values of every type. */
export function pgSeedSql(users: number, posts: number): string[] {
  return [
    `INSERT INTO users SELECT g, 'user ' || g, 'user' || g || '@example.com', 18 + g % 60, g * 1000003::bigint,
      g % 3 <> 0, timestamptz '2020-01-01 00:00:00+00' + g * interval '1 minute', (g % 100000) * 1.25,
      jsonb_build_object('theme', CASE WHEN g % 2 = 0 THEN 'dark' ELSE 'light' END, 'level', g % 10),
      md5(g::text)::uuid FROM generate_series(1, ${users}) g`,
    `INSERT INTO posts SELECT g, 1 + (g - 1) % ${users}, 'post ' || g,
      (ARRAY['draft', 'published', 'archived', 'review', 'spam'])[1 + g % 5], g % 50, (g * 7) % 10000, g % 2 = 0,
      timestamptz '2021-01-01 00:00:00+00' + g * interval '37 seconds', (g % 500) / 100.0,
      jsonb_build_object('tags', jsonb_build_array('t' || g % 7, 't' || g % 11), 'words', g % 300)
      FROM generate_series(1, ${posts}) g`,
    `INSERT INTO accounts SELECT g, 1000, 0 FROM generate_series(1, ${ACCOUNT_ROWS}) g`,
    'VACUUM ANALYZE',
  ]
}

export const SQLITE_SCHEMA = [
  'DROP TABLE IF EXISTS posts',
  'DROP TABLE IF EXISTS users',
  'DROP TABLE IF EXISTS events',
  'DROP TABLE IF EXISTS accounts',
  `CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, email text NOT NULL, age integer NOT NULL,
    karma integer NOT NULL, active integer NOT NULL, joined_at text NOT NULL, balance real NOT NULL,
    settings text NOT NULL, token text NOT NULL)`,
  `CREATE TABLE posts (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users (id), title text NOT NULL,
    status text NOT NULL, category integer NOT NULL, views integer NOT NULL, published integer NOT NULL,
    created_at text NOT NULL, rating real NOT NULL, meta text NOT NULL)`,
  'CREATE INDEX posts_user_id_idx ON posts (user_id)',
  'CREATE INDEX posts_status_created_idx ON posts (status, created_at DESC)',
  `CREATE TABLE events (id integer PRIMARY KEY AUTOINCREMENT, user_id integer NOT NULL, kind text NOT NULL,
    amount integer NOT NULL, created_at text NOT NULL)`,
  'CREATE TABLE accounts (id integer PRIMARY KEY, balance integer NOT NULL, version integer NOT NULL)',
]

const DAY0_USERS = Date.UTC(2020, 0, 1)
const DAY0_POSTS = Date.UTC(2021, 0, 1)

/** Row `g` of `users` on SQLite (the same formulas as {@link pgSeedSql}, hex ids instead of md5). */
export function sqliteUser(g: number): unknown[] {
  const token = g.toString(16).padStart(32, '0')
  return [
    g,
    `user ${g}`,
    `user${g}@example.com`,
    18 + (g % 60),
    g * 1000003,
    g % 3 !== 0 ? 1 : 0,
    new Date(DAY0_USERS + g * 60_000).toISOString(),
    (g % 100000) * 1.25,
    JSON.stringify({ theme: g % 2 === 0 ? 'dark' : 'light', level: g % 10 }),
    `${token.slice(0, 8)}-${token.slice(8, 12)}-${token.slice(12, 16)}-${token.slice(16, 20)}-${token.slice(20)}`,
  ]
}

/** Row `g` of `posts` on SQLite. */
export function sqlitePost(g: number, users: number): unknown[] {
  return [
    g,
    1 + ((g - 1) % users),
    `post ${g}`,
    STATUSES[g % 5],
    g % 50,
    (g * 7) % 10000,
    g % 2 === 0 ? 1 : 0,
    new Date(DAY0_POSTS + g * 37_000).toISOString(),
    (g % 500) / 100,
    JSON.stringify({ tags: [`t${g % 7}`, `t${g % 11}`], words: g % 300 }),
  ]
}
