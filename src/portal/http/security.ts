import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { PortalConfig } from '../config.js';

/**
 * Security headers for every response. form-action must list the checkout origins: the /buy
 * form's 303 lands there, and a CSP without them blocks the redirect (helmet's default trap).
 * upgrade-insecure-requests is left out so plain-http localhost keeps working; HSTS is sent only
 * over HTTPS.
 */
export function securityHeaders(config: PortalConfig): RequestHandler {
  const withHelmet = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        formAction: ["'self'", ...config.checkoutOrigins],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    strictTransportSecurity: false,
    xContentTypeOptions: true,
  });
  const httpsOnly = config.publicBaseUrl.startsWith('https://');
  return (req, res, next) => {
    if (req.secure || httpsOnly) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    withHelmet(req, res, next);
  };
}
