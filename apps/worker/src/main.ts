import { runProcess } from '@huashu/ops';
import { createWorker } from './worker.factory.js';

// WORKER_PORT=0 runs the processors without the health/metrics listener.
void runProcess('worker', createWorker, (app, config) =>
  config.worker.port > 0 ? app.listen({ port: config.worker.port, host: config.http.host }) : app.init(),
);
