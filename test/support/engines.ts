export const ALL_ENGINES = ['duckdb', 'postgres', 'redshift'] as const;

export type TestEngine = (typeof ALL_ENGINES)[number];

function isEngine(name: string): name is TestEngine {
  return (ALL_ENGINES as readonly string[]).includes(name);
}

/** Engines under test, from `SQLKIT_TEST_ENGINES` (comma list); all of them when unset or empty. */
export function testEngines(value: string | undefined = process.env.SQLKIT_TEST_ENGINES): TestEngine[] {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (names.length === 0) return [...ALL_ENGINES];
  const unknown = names.filter((name) => !isEngine(name));
  if (unknown.length > 0) {
    throw new Error(
      `SQLKIT_TEST_ENGINES names unknown engine(s) ${unknown.map((n) => `"${n}"`).join(', ')}; ` +
        `expected a comma list of ${ALL_ENGINES.join(', ')}.`,
    );
  }
  return ALL_ENGINES.filter((engine) => names.includes(engine));
}

/** Whether the run needs the shared PostgreSQL server (the redshift stand-in runs on it too). */
export function needsPostgres(engines: readonly TestEngine[]): boolean {
  return engines.includes('postgres') || engines.includes('redshift');
}
