import { describe, expect, it } from 'vitest';
import { parseYamlFileWithLines, type YamlPath } from '../../../src/util/yaml-file.js';

// parseYamlFileWithLines notes the line of every mapping and sequence as js-yaml reads the file. Those lines must be
// the ones `locate` finds through the yaml library's document, whatever the layout.

/** Every mapping and sequence in `value`, with its path. */
function collections(value: unknown, path: YamlPath = []): { path: YamlPath; node: object }[] {
  if (value === null || typeof value !== 'object') return [];
  const out: { path: YamlPath; node: object }[] = [{ path, node: value }];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...collections(item, [...path, i])));
  else for (const [key, item] of Object.entries(value)) out.push(...collections(item, [...path, key]));
  return out;
}

const layouts: Record<string, string> = {
  'block style, comments and blank lines': `# sources of the app

sources:
  - name: app   # the app's events
    schema: raw

    tables:
      - name: events
        columns:
          - { name: id, type: integer }
          - name: kind
            type: varchar(16)
      # a comment between tables
      - name: users
        description: >
          folded
          text
`,
  'flow style': `sources: [{name: app, tables: [{name: events, columns: [{name: id}]}, {name: users}]}]
`,
  'an item on the line after its dash': `sources:
  -
    name: app
    tables:
      -
        name: events
      -   name: users
          tests: [unique]
`,
  'indentless sequences and quoted keys': `"sources":
- 'name': app
  tables:
  - name: events
    columns:
    - name: id
`,
  'anchors and aliases': `defaults: &columns
  - { name: id, type: integer }
sources:
  - name: app
    tables:
      - name: events
        columns: *columns
      - &users
        name: users
`,
  'a document start marker and a tagged mapping': `---
sources: !!map
  app: { tables: [ { name: events } ] }
`,
};

describe('parseYamlFileWithLines', () => {
  for (const [name, text] of Object.entries(layouts)) {
    it(`gives each mapping and sequence the line locate gives it: ${name}`, () => {
      const yaml = parseYamlFileWithLines(text, 'sources/app.yml');
      const found = collections(yaml.value).filter(({ path }) => path.length > 0);
      expect(found.length).toBeGreaterThan(2);
      for (const { path, node } of found) {
        // An alias is the node it names: it sits where the anchor is, which is where locate finds the first path to it.
        const first = found.find((other) => other.node === node)!;
        expect(yaml.lineOf(node), path.join('.')).toBe(yaml.locate(first.path).line);
      }
    });
  }

  it('knows no line for a value from elsewhere or a scalar', () => {
    const yaml = parseYamlFileWithLines('a: [1, 2]\n', 'x.yml');
    expect(yaml.lineOf({})).toBeUndefined();
    expect(yaml.lineOf('a')).toBeUndefined();
    expect(yaml.lineOf((yaml.value as { a: number[] }).a)).toBe(1);
  });

  it('reports a syntax error at its line, as parseYamlFile does', () => {
    expect(() => parseYamlFileWithLines('sources:\n  - name: [app\n', 'sources/bad.yml')).toThrow(expect.objectContaining({ code: 'CONFIG_YAML_SYNTAX', location: expect.objectContaining({ file: 'sources/bad.yml', line: 2 }) }));
  });
});
