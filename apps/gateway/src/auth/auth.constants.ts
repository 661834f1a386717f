export const REQUIRED_ROLE = 'huashu:requiredRole';
