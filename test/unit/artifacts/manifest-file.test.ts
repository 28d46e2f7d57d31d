import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { patchManifest, writeManifest } from '../../../src/artifacts/index.js';
import { compileProject, locateManifestEntry, type Manifest, type ModelNode } from '../../../src/compile/index.js';
import { createRedactor } from '../../../src/errors/index.js';
import { readProject } from '../../../src/project/index.js';
import { duckdbProjectYml, removeTempProjects, writeProject } from '../../support/temp-project.js';

afterAll(removeTempProjects);

function compiledManifest(): { dir: string; manifest: Manifest } {
  const files: Record<string, string> = { 'project.yml': duckdbProjectYml() };
  for (let i = 0; i < 6; i++) files[`models/m${i}.sql`] = i === 0 ? 'select 1 as id\n' : `select * from {{ ref('m${i - 1}') }}\n`;
  // Braces, brackets, quotes and a backslash inside strings, which the end of an entry must not be confused by.
  files['models/schema.yml'] = 'models:\n  - name: m3\n    description: \'Third — with "}]{" and a \\ in it.\'\n    columns:\n      - name: id\n        tests: [not_null]\n';
  const dir = writeProject(files);
  return { dir, manifest: compileProject(readProject({ projectDir: dir, env: {} }), { env: {} }).manifest };
}

const withoutTime = (text: string) => text.replace(/"generatedAt":"[^"]*"/, '');

describe('manifest.json entries', () => {
  it('finds each node entry in the written file', () => {
    const { dir, manifest } = compiledManifest();
    const text = readFileSync(writeManifest(manifest, dir, 'target', createRedactor()).file, 'utf8');
    for (const id of Object.keys(manifest.nodes)) {
      const span = locateManifestEntry(text, id)!;
      expect(JSON.parse(`{${text.slice(span.start, span.end)}}`)[id], id).toEqual(JSON.parse(text).nodes[id]);
    }
    expect(locateManifestEntry(text, 'model.demo.nowhere')).toBeUndefined();
  });

  it('finds no entry when a meta value copies its opening, rather than guess', () => {
    const { dir, manifest } = compiledManifest();
    (manifest.nodes['model.demo.m2'] as ModelNode).config.meta = { 'model.demo.m1': { uniqueId: 'model.demo.m1' } };
    const text = readFileSync(writeManifest(manifest, dir, 'target', createRedactor()).file, 'utf8');
    expect(locateManifestEntry(text, 'model.demo.m1')).toBeUndefined();
    expect(locateManifestEntry(text, 'model.demo.m0')).toBeDefined();
  });

  it('patches entries of any length, giving the file that writing the changed manifest gives', () => {
    const { dir, manifest } = compiledManifest();
    const redactor = createRedactor();
    const first = writeManifest(manifest, dir, 'target', redactor);
    // An old time, so that the patch's own time differs from it even within the same millisecond.
    const before = readFileSync(first.file, 'utf8').replace(/"generatedAt":"[^"]*"/, '"generatedAt":"2000-01-01T00:00:00.000Z"');
    const ids = Object.keys(manifest.nodes);
    const changed: ModelNode[] = [];
    for (const [id, description] of [[ids.find((id) => id.endsWith('m3'))!, 'x'], [ids.find((id) => id.endsWith('m1'))!, 'a much longer description than before, ü']] as const) {
      const node = { ...(manifest.nodes[id] as ModelNode), description };
      changed.push(node);
      manifest.nodes[id] = node;
    }
    const patched = patchManifest(first.file, before, changed, redactor)!;
    const patchedText = readFileSync(patched.file, 'utf8');
    const whole = writeManifest(manifest, join(dir, 'whole'), 'target', redactor);
    expect(withoutTime(patchedText)).toBe(withoutTime(readFileSync(whole.file, 'utf8')));
    expect(JSON.parse(patchedText).generatedAt).not.toBe('2000-01-01T00:00:00.000Z');
    expect(patched.stamp.size).toBe(Buffer.byteLength(patchedText));
  });

  it('writes nothing when an entry to replace is not in the text', () => {
    const { dir, manifest } = compiledManifest();
    const written = writeManifest(manifest, dir, 'target', createRedactor());
    const before = readFileSync(written.file, 'utf8');
    const stranger = { ...(manifest.nodes['model.demo.m1'] as ModelNode), uniqueId: 'model.demo.stranger' };
    expect(patchManifest(written.file, before, [stranger], createRedactor())).toBeUndefined();
    expect(readFileSync(written.file, 'utf8')).toBe(before);
  });
});
