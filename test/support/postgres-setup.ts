import type { TestProject } from 'vitest/node';
import { startCluster } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The throwaway cluster's superuser URL (each portal in a test gets a database of its own). */
    postgresUrl: string;
  }
}

/**
 * The postgres project's global setup: one throwaway cluster for the run. No server means the
 * run fails here: nothing that should run on PostgreSQL is skipped.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startCluster();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
