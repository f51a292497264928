import { Router } from 'express';
import type { StubContext } from '../context.js';

export function dashboardRouter(_ctx: StubContext): Router {
  return Router();
}
