export { OpsModule, type OpsOptions } from './ops.module.js';
export { createHttpApp } from './http-app.factory.js';
export { installHttpMetrics } from './http-metrics.js';
export { createRootLogger, createRequestLogger, REDACTED_PATHS } from './logging.js';
export { PinoNestLogger, ROOT_LOGGER } from './pino-nest.logger.js';
export { toErrorBody, type ErrorBody } from './http/error-body.js';
export { REQUEST_ID_HEADER } from './http/request-id.js';
export { onShutdownSignals, shutdownGracefully } from './shutdown.js';
export { runProcess } from './process-main.js';
