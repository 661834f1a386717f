import { ApiHeader } from '@nestjs/swagger';

/** Documents the optional `If-Match` of an admin edit (PUT/DELETE): the ETag from GET, 412 when stale. */
export const ApiIfMatch = (): MethodDecorator & ClassDecorator =>
  ApiHeader({ name: 'If-Match', required: false, description: 'ETag from GET; 412 when stale' });
