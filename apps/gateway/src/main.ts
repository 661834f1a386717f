import { runProcess } from '@huashu/ops';
import { createGateway } from './gateway.factory.js';

void runProcess('gateway', createGateway, (app, config) =>
  app.listen({ port: config.http.port, host: config.http.host }),
);
