import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the Dockerfile's final stage does, read from the Dockerfile itself. */
export interface RuntimeImage {
  /** Paths the build stage copies from the build context (what `npm run build` needs). */
  buildContext: string[];
  /** Paths copied from the build stage (e.g. dist, node_modules). */
  fromBuild: string[];
  /** Paths copied from the build context (e.g. package.json, views). */
  fromContext: string[];
  env: Record<string, string>;
  /** The HEALTHCHECK's shell command. */
  healthcheck: string;
  /** CMD in exec form. */
  cmd: string[];
}

export function readRuntimeImage(repo: string): RuntimeImage {
  const text = readFileSync(join(repo, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const finalStart = lines.map((l) => l.startsWith('FROM ')).lastIndexOf(true);
  const final = lines.slice(finalStart);
  const image: RuntimeImage = { buildContext: [], fromBuild: [], fromContext: [], env: {}, healthcheck: '', cmd: [] };
  for (const line of lines.slice(0, finalStart).filter((l) => l.startsWith('COPY '))) image.buildContext.push(...line.split(/\s+/).slice(1, -1));
  for (const line of final) {
    const [instruction, ...rest] = line.split(/\s+/);
    if (instruction === 'COPY') {
      const fromBuild = rest[0]?.startsWith('--from=');
      const sources = rest.slice(fromBuild ? 1 : 0, -1).map((s) => s.replace(/^\/app\//, ''));
      (fromBuild ? image.fromBuild : image.fromContext).push(...sources);
    } else if (instruction === 'ENV') {
      for (const pair of rest) {
        const [name, value] = pair.split('=');
        if (name && value !== undefined) image.env[name] = value;
      }
    } else if (instruction === 'HEALTHCHECK') {
      image.healthcheck = line.slice(line.indexOf(' CMD ') + 5);
    } else if (instruction === 'CMD') {
      image.cmd = JSON.parse(line.slice(4)) as string[];
    }
  }
  return image;
}
