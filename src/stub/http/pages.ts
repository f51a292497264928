import type { Response } from 'express';
import type { Eta } from 'eta';

/** Sends a server-rendered page from views/stub/ with the checkout's locked-down headers. */
export function sendPage(views: Eta, res: Response, status: number, template: 'checkout' | 'message' | 'dashboard' | 'sign-in', data: Record<string, unknown>): void {
  res
    .status(status)
    .set({
      'Cache-Control': 'no-store',
      // No script and no external asset. Forms post to this origin, which then redirects to the partner.
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    })
    .type('html')
    .send(views.render(`stub/${template}`, data));
}

export function sendMessagePage(views: Eta, res: Response, status: number, title: string, message: string, link?: { href: string; label: string }): void {
  sendPage(views, res, status, 'message', { title, message, link: link ?? null });
}
