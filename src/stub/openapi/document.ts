export function stubOpenApiDocument(): object {
  return { openapi: '3.1.0' };
}
