export { AdminAuthGuard, type AdminPrincipal } from './admin-auth.guard.js';
export { AdminRoles } from './roles.decorator.js';
export { Principal } from './principal.decorator.js';
export { ApiKeyMatcher, bearerToken } from './api-key.matcher.js';
