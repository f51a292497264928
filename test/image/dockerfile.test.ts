import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../e2e/start-process.js';
import { readRuntimeImage } from './dockerfile.js';

describe('Dockerfile', () => {
  it('when the image starts, then it runs what npm start runs, with the same node flags (memory limits included)', () => {
    const start = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    expect(readRuntimeImage(REPO).cmd).toEqual(start.split(/\s+/));
  });

  it('when the image is built, then it is on Node 24 LTS in both stages', () => {
    const froms = readFileSync(join(REPO, 'Dockerfile'), 'utf8').match(/^FROM \S+/gm);
    expect(froms).toEqual(['FROM node:24-bookworm-slim', 'FROM node:24-bookworm-slim']);
  });
});
