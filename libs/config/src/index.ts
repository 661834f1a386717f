export { ADMIN_ROLES, envSchema, type AdminRole, type Env } from './env.schema.js';
export { ConfigValidationError, loadConfig, type AppConfig } from './app-config.js';
export { APP_CONFIG, ConfigModule } from './config.module.js';
export { configTableMarkdown, CONFIG_TABLE_BEGIN, CONFIG_TABLE_END, withConfigTable } from './config-docs.js';
